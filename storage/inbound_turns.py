"""The inbox on an asyncio PostgreSQL connection: storing an update, what waits, and done.

`storage.inbound`'s `store_update`, `unhandled_through` and `mark_processed`, as one
autocommit statement each on a psycopg asyncio connection of the caller's: the Telegram
channel stores on connections of its own (each commit waits for the disk, before the 200)
and runs the turn's two on the connection that holds the chat's advisory lock, so neither
needs a thread or a pooled session. Payloads stay encrypted here.
"""

from __future__ import annotations

from typing import Any

import psycopg

from storage.models import InboundUpdate, utcnow

__all__ = [
    "mark_processed_on",
    "mark_processed_then_on",
    "store_update_on",
    "unhandled_through_after_on",
    "unhandled_through_on",
]

_TABLE = InboundUpdate.__tablename__
_STORE = (
    f"INSERT INTO {_TABLE} (channel, update_key, chat_key, payload, received_at, failures)"
    " VALUES (%(channel)s, %(key)s, %(chat_key)s, %(payload)s, %(now)s, 0)"
    " ON CONFLICT (channel, update_key) DO NOTHING RETURNING id"
)
_WAITING = (
    f"SELECT id, payload FROM {_TABLE} WHERE channel = %(channel)s AND chat_key = %(chat_key)s"
    " AND id <= %(id)s AND processed_at IS NULL AND set_aside_at IS NULL ORDER BY id"
)
_DONE = (
    f"UPDATE {_TABLE} SET processed_at = %(now)s, payload = ''"
    " WHERE id = %(id)s AND processed_at IS NULL"
)


async def store_update_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    channel: str,
    update_key: str,
    payload: str,
    chat_key: str | None,
) -> int | None:
    """Store an update (payload already encrypted); its row id, or None if stored before."""
    params = {
        "channel": channel,
        "key": update_key,
        "chat_key": chat_key,
        "payload": payload,
        "now": utcnow(),
    }
    cursor = await connection.execute(_STORE, params)
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def unhandled_through_on(
    connection: psycopg.AsyncConnection[Any], *, channel: str, chat_key: str, update_id: int
) -> list[tuple[int, str]]:
    """(row id, encrypted payload) of a chat's unhandled updates up to this one, oldest first."""
    params = {"channel": channel, "chat_key": chat_key, "id": update_id}
    cursor = await connection.execute(_WAITING, params)
    return [(int(row[0]), str(row[1])) for row in await cursor.fetchall()]


async def unhandled_through_after_on(
    connection: psycopg.AsyncConnection[Any],
    first: str,
    params: dict[str, Any],
    *,
    channel: str,
    chat_key: str,
    update_id: int,
) -> tuple[Any, list[tuple[int, str]]]:
    """`first`'s single value, then `unhandled_through_on`'s rows, in one round trip.

    One simple query of two statements (bound here, client-side): the second takes its own
    snapshot once the first has run, so it sees what was committed before, as if sent apart.
    """
    cursor = psycopg.AsyncClientCursor(connection)
    more = {"channel": channel, "chat_key": chat_key, "id": update_id}
    await cursor.execute(f"{first}; {_WAITING}", {**params, **more})
    row = await cursor.fetchone()
    cursor.nextset()
    rows = await cursor.fetchall()
    return (None if row is None else row[0]), [(int(r[0]), str(r[1])) for r in rows]


async def mark_processed_then_on(
    connection: psycopg.AsyncConnection[Any], then: str, params: dict[str, Any], *, update_id: int
) -> Any:
    """`mark_processed_on`, committed, then `then` (its single value), in one round trip."""
    cursor = psycopg.AsyncClientCursor(connection)
    statements = f"BEGIN; {_DONE}; COMMIT; {then}"  # the UPDATE is committed before `then` runs
    await cursor.execute(statements, {**params, "now": utcnow(), "id": update_id})
    while cursor.nextset():  # to the last statement's result
        pass
    row = await cursor.fetchone()
    return None if row is None else row[0]


async def mark_processed_on(connection: psycopg.AsyncConnection[Any], *, update_id: int) -> None:
    """Note that an update was handled; its content is dropped."""
    await connection.execute(_DONE, {"now": utcnow(), "id": update_id})
