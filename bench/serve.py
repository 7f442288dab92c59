"""Homeward's web process with Telegram's send limits lifted, to measure its own cost.

Child process of `python -m bench`: the same steps as `homeward serve` (settings,
migrations, services, `create_app`, uvicorn) except that the Telegram channel is built with
send limits far above Telegram's, and as many chats handled at once as the echo bot handles
updates (256; `homeward serve` keeps 16), bound to 127.0.0.1. The production-limit phase
runs the real `homeward serve` instead.
"""

from __future__ import annotations

import os
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
)


def main() -> None:
    """Serve until SIGTERM."""
    settings = Settings()
    if parts := os.environ.get("BENCH_PARTS_FILE"):
        track_parts(Path(parts))
    configure_logging(settings.log_level)
    upgrade(settings.database())
    with services(settings) as svc:
        app = create_app(svc, [TelegramChannel(svc, options=LIFTED)])
        uvicorn.run(app, host="127.0.0.1", port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
