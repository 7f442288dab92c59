"""The bots under test as child processes: Homeward (real CLI or limits lifted) and the echo bot."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.fakebot import TOKEN
from bench.procs import Child, child, free_port
from bot.telegram import TelegramConfig
from storage import generate_key

__all__ = ["Stack", "Target", "echo_bot", "homeward"]

SECRET = "bench-webhook-secret_0123456789"
# Variables of the shell that would switch other channels on or point elsewhere, and one
# that stops Python caching bytecode (set on some machines; a deployment has its .pyc files,
# so children keep theirs in a cache of their own rather than compiling at every start).
_DROP = (
    "WECHAT_",
    "TELEGRAM_",
    "DATABASE_URL",
    "REDIS_URL",
    "HOMEWARD_",
    "PORT",
    "LOG_LEVEL",
    "PYTHONDONTWRITEBYTECODE",
)
PYCACHE = str(Path(tempfile.gettempdir()) / "homeward-bench-pycache")


def _base_env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
    return {**base, "PYTHONPYCACHEPREFIX": PYCACHE}


@dataclass(frozen=True)
class Stack:
    """What every Homeward process of the run shares."""

    database_url: str
    redis_url: str
    api_port: int
    data_dir: Path
    secret_key: str = field(default_factory=generate_key)

    def env(self, port: int = 0) -> dict[str, str]:
        """The environment of a Homeward process (web or worker) on the fake Bot API."""
        return {
            **_base_env(),
            "HOMEWARD_ENV": "production",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "HOMEWARD_SECRET_KEY": self.secret_key,
            "HOMEWARD_DATA_DIR": str(self.data_dir),
            "LOG_LEVEL": "WARNING",
            "PORT": str(port),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{self.api_port}/bot",
            "TELEGRAM_WEBHOOK_URL": "https://homeward-bench.invalid",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }


@dataclass(frozen=True)
class Target:
    """A running bot: its process, and where and how its webhook is called."""

    child: Child
    path: str
    secret: str
    parts: Path | None = None  # where bench/serve.py writes the CPU of an update's parts


def _webhook_path() -> str:
    config = TelegramConfig(TOKEN, "", "", "https://homeward-bench.invalid", SECRET)
    return config.webhook_path


@asynccontextmanager
async def homeward(stack: Stack, *, lifted: bool, log: Path) -> AsyncIterator[Target]:
    """`homeward serve` (Telegram's limits), or bench/serve.py (limits lifted)."""
    port = free_port()
    args = ["-m", "bench.serve"] if lifted else ["-m", "bot", "serve", "--port", str(port)]
    parts = log.with_suffix(".parts.json") if lifted else None
    env = {**stack.env(port), **({"BENCH_PARTS_FILE": str(parts)} if parts else {})}
    async with child(args, env, port, log) as running:
        yield Target(running, _webhook_path(), SECRET, parts)


@asynccontextmanager
async def echo_bot(api_port: int, log: Path) -> AsyncIterator[Target]:
    """The bare PTB echo bot on the same fake Bot API."""
    port = free_port()
    env = {
        **_base_env(),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api_port}/bot",
        "PORT": str(port),
    }
    async with child(["-m", "bench.echo"], env, port, log) as running:
        yield Target(running, "/telegram", SECRET)
