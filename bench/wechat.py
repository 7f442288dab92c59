"""WeChat reply-time benchmark: many followers at once, every message delivered 4 times.

Run with `python -m bench.wechat [--users 20] [--messages 9] [--database-url URL]`.

Starts the real app (`bot.web.create_app` with the WeChat channel, safe mode) under uvicorn
on 127.0.0.1 in a child process, with a local fake WeChat API, then plays WeChat's server:
each follower goes through the interview and every message is POSTed 4 times at once (as
re-deliveries would arrive); the followers wait for one another before the last answer, so
every submission arrives at the same moment. Prints p50/p99 reply times, overall and per
step, and the CPU per request of the app and of this client. Uses a scratch Redis database
(`--redis-url`, flushed before and after) and by default a temporary SQLite file; a
PostgreSQL URL gets a fresh database of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.wechat_figures import CpuClock, Times, print_figures
from storage import generate_key
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wechat_server import WeChatSender, parse_reply

TOKEN, APP_ID, SECRET = "benchtoken", "wxhomewardbench001", "bench-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ANSWERS = ["你好", "4", "1", "昆明汽车站", "B", "有人在车站打听买小孩", "完成", "1", "提交"]
TIME_LIMIT = 300.0  # the whole run stops after this many seconds


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A fresh SQLite file, or a fresh database on the PostgreSQL server named by `url`."""
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    server = make_url(url)
    name = f"homeward_bench_{uuid.uuid4().hex[:8]}"
    admin = server.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve() -> None:
    """Child process: the real app on 127.0.0.1 (what `homeward serve` runs, minus 0.0.0.0)."""
    import uvicorn

    from bot.settings import Settings
    from bot.web import configured_channels, create_app
    from bot.wiring import configure_logging, services
    from storage import upgrade

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    configure_logging(settings.log_level)
    upgrade(settings.database())
    with services(settings) as svc:
        app = create_app(svc, configured_channels(svc))
        uvicorn.run(app, host="127.0.0.1", port=settings.port, log_level="warning")


@contextmanager
def server(db_url: str, redis_url: str, api_url: str, data_dir: str) -> Iterator[tuple[int, int]]:
    """Start the app in a child process; yield its port and pid; stop it (only that process)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "HOMEWARD_SECRET_KEY": generate_key(),
        "HOMEWARD_DATA_DIR": data_dir,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": SECRET,
        "WECHAT_ENCODING_AES_KEY": AES_KEY,
        "WECHAT_API_BASE_URL": api_url,
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    child = subprocess.Popen([sys.executable, "-m", "bench.wechat", "--serve"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.2)
        yield port, child.pid
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def post(port: int, params: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 POST to /wechat on its own connection; returns (status, body)."""
    # Not httpx: at this concurrency its connection pool costs more CPU than the server.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /wechat?{urlencode(params)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        response = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def follower(
    sender: WeChatSender, port: int, n: int, times: Times, together: asyncio.Barrier
) -> dict[str, int]:
    """One follower's interview; every message delivered 4 times at once."""
    outcome = {"answered": 0, "success": 0, "mismatch": 0, "errors": 0}
    for step, words in enumerate(times.steps):
        if step == len(times.steps) - 1:
            await together.wait()  # the last answer (the submit) from everyone at once
        xml = sender.text(words, openid=f"oBenchFollower{n:015d}")  # one sender: unique MsgIds
        requests = [sender.signed_request(xml, safe_mode=True) for _ in range(4)]

        async def deliver(params: dict[str, str], body: bytes, step: int = step) -> str | None:
            started = time.monotonic()
            try:
                status, content = await post(port, params, body)
            except OSError:
                return None
            times.add(step, time.monotonic() - started)
            if status != 200:
                return None
            reply = parse_reply(sender.decrypt_reply(content, params))
            return str(reply.get("Content", ""))  # "": `success`, the reply comes later

        replies = await asyncio.gather(*(deliver(p, b) for p, b in requests))
        answered = [r for r in replies if r]
        outcome["errors"] += sum(r is None for r in replies)
        outcome["success"] += sum(r == "" for r in replies)
        outcome["answered"] += len(answered)
        outcome["mismatch"] += len(set(answered)) > 1
    return outcome


async def load(port: int, users: int, messages: int) -> tuple[Times, dict[str, int], float]:
    """All followers at once; returns reply times, outcome counts and the wall time."""
    times = Times(ANSWERS[:messages])
    sender = WeChatSender(TOKEN, APP_ID, AES_KEY)
    together = asyncio.Barrier(users)
    started = time.monotonic()
    results = await asyncio.wait_for(
        asyncio.gather(*(follower(sender, port, n, times, together) for n in range(users))),
        TIME_LIMIT,
    )
    wall = time.monotonic() - started
    totals = {k: sum(r[k] for r in results) for k in results[0]}
    return times, totals, wall


def stored_counts(db_url: str) -> dict[str, int]:
    """Conversations, deliveries and reports in the benchmark database."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        counts = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("conversation", "delivery", "report")
        }
    engine.dispose()
    return counts


def main() -> None:
    """Parse arguments, run the benchmark, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=len(ANSWERS), choices=range(1, 10))
    parser.add_argument("--database-url", default=os.environ.get("HOMEWARD_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    scratch = redis.Redis.from_url(args.redis_url)
    scratch.flushdb()
    try:
        with (
            database(args.database_url) as db_url,
            tempfile.TemporaryDirectory() as data_dir,
            FakeWeChatAPI(APP_ID, SECRET) as api,
            server(db_url, args.redis_url, api.api_base_url, data_dir) as (port, pid),
        ):
            print(
                f"{args.users} followers x {args.messages} messages x 4 deliveries, safe mode, "
                f"{make_url(db_url).get_backend_name()}"
            )
            app_cpu, client_cpu = CpuClock(pid), CpuClock(os.getpid())
            app_cpu.start()
            client_cpu.start()
            times, totals, wall = asyncio.run(load(port, args.users, args.messages))
            cpu = {"app": app_cpu.stop(), "this client": client_cpu.stop()}
            print_figures(times, totals, wall, stored_counts(db_url), cpu)
    finally:
        scratch.flushdb()
        scratch.close()


if __name__ == "__main__":
    main()
