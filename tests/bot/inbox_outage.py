"""The database down for the Telegram inbox's store, on whichever connection it stores.

On PostgreSQL the channel stores on the inbox's own asyncio connections (`store_update_on`,
whose psycopg error the connection turns into SQLAlchemy's), on SQLite through the engine
(`store_update`); both fail here as a database that is down would.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from bot.telegram import inbox as telegram_inbox

__all__ = ["store_fails"]


def store_fails(monkeypatch: pytest.MonkeyPatch, *, once: bool = False) -> None:
    """Every store fails from now on until `monkeypatch.undo()`, or only the next (`once`)."""

    def failed() -> None:
        if once:
            monkeypatch.undo()  # the database comes back for the next attempt

    def down(**_: object) -> int | None:
        failed()
        raise OperationalError("INSERT", {}, ConnectionError("database is down"))

    async def down_on(_: Any, **__: object) -> int | None:
        failed()
        raise psycopg.OperationalError("database is down")

    monkeypatch.setattr(telegram_inbox, "store_update", down)
    monkeypatch.setattr(telegram_inbox, "store_update_on", down_on)
