"""Real Homeward processes for fault tests: `homeward serve` and `homeward worker`, killable.

Each process writes its output to a file (a pipe nobody reads would fill up and stall it),
and every process a test starts is registered with a `Processes` group whose fixture kills
whatever is still running when the test ends, pass or fail.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil

from tests.fakes.telegram_api import FakeTelegram

START = 90.0  # seconds for a Python process to import and start, on a busy CI machine


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HomewardProcess:
    """One `python -m bot …` subprocess; its stdout and stderr go to `log_path`."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, name: str) -> None:
        self.args, self.env, self.cwd, self.name = args, env, cwd, name
        self.log_path = cwd / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        """Start the process (appending to its log)."""
        assert not self.alive, f"{self.name} is already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        """The running process's id."""
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """`kill -9` with its children (rq's work-horse): no cleanup, as a crash or an OOM kill."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                victims = [psutil.Process(self.pid), *psutil.Process(self.pid).children(True)]
            except psutil.NoSuchProcess:
                victims = []
            for victim in victims:
                with contextlib.suppress(psutil.NoSuchProcess):
                    victim.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM (a deploy's restart); True after a clean exit (killed if it hangs)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"{self.name} ignored SIGTERM for {timeout}s") from None
        # uvicorn re-raises the signal after a graceful shutdown, so -SIGTERM is clean too.
        return self.process.returncode in (0, -signal.SIGTERM)

    def log(self) -> str:
        """Everything the process wrote, all its runs."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class WebProcess(HomewardProcess):
    """`homeward serve` on a fixed port (Telegram's webhook address doesn't change)."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str = "web") -> None:
        self.port = free_port()
        super().__init__(["serve", "--port", str(self.port)], env, cwd, name)

    @property
    def url(self) -> str:
        """The process's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, fake: FakeTelegram, webhooks_set: int) -> None:
        """Wait until this run has registered its webhook and answers /healthz."""
        try:
            fake.wait_for("setWebhook", START, count=webhooks_set)
        except TimeoutError:
            self.kill()
            raise AssertionError(f"{self.name} did not start:\n{self.log()[-3000:]}") from None
        deadline = time.monotonic() + START
        while True:  # the port is bound a moment after the lifespan's setWebhook
            if not self.alive:
                raise AssertionError(f"{self.name} exited at start:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{self.name} never answered /healthz"
            time.sleep(0.05)  # a socket being bound: there is no event to wait on


class Processes:
    """Every process a test started; `kill_all` runs at teardown whatever happened."""

    def __init__(self, env: dict[str, str], cwd: Path, fake: FakeTelegram) -> None:
        self.env, self.cwd, self.fake = env, cwd, fake
        self.started: list[HomewardProcess] = []
        self.webhooks_set = 0

    def web(self, name: str = "web", env: dict[str, str] | None = None) -> WebProcess:
        """A `homeward serve`, not started yet."""
        process = WebProcess(env or self.env, self.cwd, name)
        self.started.append(process)
        return process

    def start_web(self, web: WebProcess) -> None:
        """Start (or restart) a web process and wait until it serves."""
        self.launch(web)
        self.ready(web)

    def launch(self, web: WebProcess) -> None:
        """Start a web process (it takes seconds to import: do something else meanwhile)."""
        web.start()
        self.webhooks_set += 1

    def ready(self, web: WebProcess) -> None:
        """Wait until a launched web process serves."""
        web.wait_ready(self.fake, self.webhooks_set)

    def worker(self, name: str = "worker") -> HomewardProcess:
        """A `homeward worker`, started."""
        process = HomewardProcess(["worker"], self.env, self.cwd, name)
        self.started.append(process)
        process.start()
        return process

    def kill_all(self) -> None:
        """Kill every process still running."""
        for process in self.started:
            process.kill()

    def logs(self) -> Iterator[tuple[str, str]]:
        """(name, output) of every process."""
        for process in self.started:
            yield process.name, process.log()
