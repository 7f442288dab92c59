"""A conversation's turn on a psycopg asyncio connection: locked, then saved, in two round trips.

`storage.conversations`' `lock_for_message`, `save_state` and `record_delivery` (the same
statements, compiled once for psycopg) for the interview's usual turn on the event loop: the
transaction begins with the lock in one simple query, and the state, the delivery's record
and the commit go in a second. The connection is the caller's, autocommit, used by nobody
else until the turn ends (`commit_turn_on` or `roll_back_on`). PostgreSQL only.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import psycopg

from storage.conversations import (
    _PG_LOCK_FOR_MESSAGE,
    _PG_RECORD_DELIVERY,
    _PG_SAVE_STATE,
    LockedConversation,
    SeenDelivery,
)
from storage.models import utcnow

__all__ = ["Delivered", "commit_turn_on", "lock_for_message_on", "roll_back_on"]

Delivered = tuple[str, str, str, str | None]  # channel, delivery key, replies, redacted replies


async def _last_result(cursor: psycopg.AsyncClientCursor[Any]) -> tuple[Any, ...] | None:
    while cursor.nextset():  # to the last statement's result
        pass
    return await cursor.fetchone()


async def lock_for_message_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    channel: str,
    user_key: str,
    delivery_key: str | None,
) -> LockedConversation | None:
    """Begin a transaction and lock the tipster's conversation in it (`lock_for_message`);
    None when there is none yet (the transaction is still open: roll it back)."""
    params = {"channel": channel, "user_key": user_key, "delivery_key": delivery_key}
    cursor = psycopg.AsyncClientCursor(connection)
    await cursor.execute(f"BEGIN; {_PG_LOCK_FOR_MESSAGE}", params)
    row = await _last_result(cursor)
    if row is None:
        return None
    conversation_id, user_ref, state, seen_id, seen_conversation, replies, block_id = row
    seen = SeenDelivery(seen_conversation, replies) if seen_id is not None else None
    return LockedConversation(conversation_id, user_ref, state, seen, block_id is not None)


async def commit_turn_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    conversation_id: int,
    state: dict[str, Any],
    now: datetime,
    delivered: Delivered | None,
) -> None:
    """Store the state and the delivery's record, and commit (waiting for the disk)."""
    params: dict[str, Any] = {
        "conversation_id": conversation_id,
        "new_state": json.dumps(state),
        "now": now,
    }
    statements = [_PG_SAVE_STATE]
    if delivered is not None:
        channel, delivery_key, replies, redacted = delivered
        params |= {
            "channel": channel,
            "delivery_key": delivery_key,
            "replies": replies,
            "redacted_replies": redacted,
            "created_at": utcnow(),
        }
        statements.append(_PG_RECORD_DELIVERY)
    cursor = psycopg.AsyncClientCursor(connection)
    await cursor.execute("; ".join([*statements, "COMMIT"]), params)


async def roll_back_on(connection: psycopg.AsyncConnection[Any]) -> None:
    """End the turn's transaction without writing anything."""
    await connection.rollback()
