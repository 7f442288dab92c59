"""A chat's turn in the inbox on an asyncio PostgreSQL connection: what waits, and done.

`storage.inbound`'s `unhandled_through` and `mark_processed`, as one autocommit statement each
on a psycopg asyncio connection of the caller's: the Telegram channel runs them on the
connection that holds the chat's advisory lock, next to the lock statements, so a turn
needs no thread and no pooled session. Payloads stay encrypted here.
"""

from __future__ import annotations

from typing import Any

import psycopg

from storage.models import InboundUpdate, utcnow

__all__ = ["mark_processed_on", "unhandled_through_on"]

_TABLE = InboundUpdate.__tablename__
_WAITING = (
    f"SELECT id, payload FROM {_TABLE} WHERE channel = %(channel)s AND chat_key = %(chat_key)s"
    " AND id <= %(id)s AND processed_at IS NULL AND set_aside_at IS NULL ORDER BY id"
)
_DONE = (
    f"UPDATE {_TABLE} SET processed_at = %(now)s, payload = ''"
    " WHERE id = %(id)s AND processed_at IS NULL"
)


async def unhandled_through_on(
    connection: psycopg.AsyncConnection[Any], *, channel: str, chat_key: str, update_id: int
) -> list[tuple[int, str]]:
    """(row id, encrypted payload) of a chat's unhandled updates up to this one, oldest first."""
    params = {"channel": channel, "chat_key": chat_key, "id": update_id}
    cursor = await connection.execute(_WAITING, params)
    return [(int(row[0]), str(row[1])) for row in await cursor.fetchall()]


async def mark_processed_on(connection: psycopg.AsyncConnection[Any], *, update_id: int) -> None:
    """Note that an update was handled; its content is dropped."""
    await connection.execute(_DONE, {"now": utcnow(), "id": update_id})
