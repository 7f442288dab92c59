"""Homeward's web process with Telegram's send limits lifted, to measure its own cost.

Child process of `python -m bench`: the same steps as `homeward serve` (settings,
migrations, services, `create_app`, uvicorn) except that the Telegram channel is built with
send limits far above Telegram's, no limit on new chats, and as many chats handled at once
as the echo bot handles updates (256; `homeward serve` keeps 16), bound to 127.0.0.1. The
production-limit phase runs the real `homeward serve` instead. With BENCH_PROFILE=path, the
event loop's thread is profiled (cProfile) and the profile written to `path` at the end.
"""

from __future__ import annotations

import contextlib
import cProfile
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from bench.parts import track_parts
from bot.settings import Settings
from bot.telegram import TelegramChannel, TelegramOptions
from bot.web import create_app
from bot.wiring import configure_logging, services
from storage import upgrade

__all__ = ["LIFTED", "main"]

LIFTED = TelegramOptions(
    overall_per_second=100_000,
    per_chat_per_second=10_000,
    chat_burst=100,
    max_parallel_chats=256,  # bench/echo.py's concurrent_updates
    # No limit on new chats either: each closed-loop tipster starts a new chat every 22
    # updates, and `homeward serve`'s 300 a minute would cap Homeward near 110 updates/s +
    # its burst, whatever the software costs.
    new_chats_per_minute=0,
)


@contextlib.contextmanager
def _profiled(path: str | None) -> Iterator[None]:
    """With BENCH_PROFILE=path: the event loop's thread under cProfile, written at SIGTERM."""
    if not path:
        yield
        return
    # uvicorn raises SIGTERM again once shut down; exiting instead lets the profile be written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)


def main() -> None:
    """Serve until SIGTERM."""
    settings = Settings()
    if parts := os.environ.get("BENCH_PARTS_FILE"):
        track_parts(Path(parts))
    configure_logging(settings.log_level)
    upgrade(settings.database())
    with services(settings) as svc:
        app = create_app(svc, [TelegramChannel(svc, options=LIFTED)])
        with _profiled(os.environ.get("BENCH_PROFILE")):
            uvicorn.run(app, host="127.0.0.1", port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
