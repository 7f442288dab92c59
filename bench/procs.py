"""The benchmark's surroundings: its own database and Redis number, child processes, memory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg
import redis

__all__ = [
    "Child",
    "CpuMeter",
    "Memory",
    "child",
    "database",
    "free_port",
    "scratch_redis",
    "stop",
]

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# Another run on the same machine (another checkout) would drop and flush these under this
# one: BENCH_DB_NAME and BENCH_REDIS_URL give a run its own.
DB_NAME = os.environ.get("BENCH_DB_NAME", "homeward_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(name: str = DB_NAME) -> Iterator[str]:
    """A fresh PostgreSQL database for the run (one left by a crashed run is dropped first)."""
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(drop)


@contextmanager
def scratch_redis() -> Iterator[str]:
    """Redis database 9 (or BENCH_REDIS_URL), flushed before and after the run."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@dataclass
class Memory:
    """Peak resident memory of one process, sampled in a background thread."""

    pid: int
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self, interval: float = 0.2) -> None:
        """Sample until `stop` (runs in its own thread)."""
        process = psutil.Process(self.pid)
        while not self._stop.wait(interval):
            try:
                self.peak = max(self.peak, process.memory_info().rss)
            except psutil.Error:
                return

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


class CpuMeter:
    """CPU seconds of one process and of PostgreSQL's backends serving the run's database."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)

    def snapshot(self) -> dict[int, float]:
        """CPU seconds so far, by process id (the web process and our database's backends)."""
        found = {self._process.pid: self._process}
        for process in psutil.process_iter(["cmdline"]):
            if any(DB_NAME in part for part in process.info["cmdline"] or ()):
                found[process.pid] = process
        seconds = {}
        for pid, process in found.items():
            try:
                times = process.cpu_times()
                seconds[pid] = times.user + times.system
            except psutil.Error:
                continue
        return seconds

    def since(self, before: dict[int, float]) -> tuple[float, float]:
        """CPU seconds used since `before`: (the process, PostgreSQL)."""
        now = self.snapshot()
        mine = now.get(self._process.pid, 0.0) - before.get(self._process.pid, 0.0)
        database_cpu = sum(
            t - before.get(pid, 0.0) for pid, t in now.items() if pid != self._process.pid
        )
        return mine, database_cpu


@dataclass
class Child:
    """A started server process: its port and its memory."""

    process: subprocess.Popen[bytes]
    port: int
    memory: Memory


async def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(timeout=1) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                break
            await asyncio.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{url} did not come up; its log ends:\n{tail}")


@asynccontextmanager
async def child(
    args: Sequence[str], env: dict[str, str], port: int, log: Path
) -> AsyncIterator[Child]:
    """Start a server process, wait for /healthz, sample its memory; stop it (only it)."""
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, *args], env=env, stdout=out, stderr=out)
        memory = Memory(process.pid)
        sampler = threading.Thread(target=memory.sample, daemon=True)
        try:
            await _wait_healthy(process, f"http://127.0.0.1:{port}/healthz", log)
            sampler.start()
            yield Child(process, port, memory)
        finally:
            memory.stop()
            await asyncio.to_thread(stop, process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down gracefully), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
