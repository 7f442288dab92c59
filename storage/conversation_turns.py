"""A conversation's turn on a psycopg asyncio connection: in one round trip, or two.

For the interview's usual turn on the event loop (`handlers.quick_turn`). PostgreSQL only;
the connection is the caller's, autocommit, used by nobody else until the turn ends.

- `save_if_unchanged_on`: when the caller knows the state it last stored, the interview runs
  on it first and one statement stores the new state and the delivery's record, only if the
  stored state is still exactly that text (a `json` column keeps its text as written), no
  block is in force and the delivery was not handled before; else it changes nothing.
- Otherwise `storage.conversations`' `lock_for_message`, `save_state` and `record_delivery`
  (the same statements, compiled once for psycopg): the transaction begins with the lock in
  one simple query (`lock_for_message_on`), and the state, the delivery's record and the
  commit go in a second (`commit_turn_on`), or it is rolled back (`roll_back_on`). A
  tipster not seen on the channel before gets their conversation in between, created and
  locked in one more (`create_for_message_on`, `create_conversation`'s row).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from storage.conversations import (
    PG_CREATE_CONVERSATION,
    PG_LOCK_FOR_MESSAGE,
    PG_RECORD_DELIVERY,
    PG_SAVE_STATE,
    LockedConversation,
    SeenDelivery,
)
from storage.models import Conversation, Delivery, utcnow
from storage.workflow_models import TipsterBlock

__all__ = [
    "Delivered",
    "commit_turn_on",
    "create_for_message_on",
    "lock_for_message_on",
    "roll_back_on",
    "save_if_unchanged_on",
]

Delivered = tuple[str, str, str, str | None]  # channel, delivery key, replies, redacted replies
_CONVERSATION, _DELIVERY = Conversation.__tablename__, Delivery.__tablename__
_BLOCK = TipsterBlock.__tablename__
# One statement, so one commit: the UPDATE changes the row only if nothing changed since the
# caller's state was stored (re-checked on the latest row version if another transaction
# held it), and the INSERT takes its conversation id from the UPDATE's row, so both or
# neither happen.
_SAVE_IF_UNCHANGED = f"""
WITH saved AS (
    UPDATE {_CONVERSATION} SET state = %(new_state)s::json, updated_at = %(now)s
    WHERE id = %(conversation_id)s AND state::text = %(old_state)s
      AND NOT EXISTS (
          SELECT 1 FROM {_BLOCK} WHERE tipster_key = %(user_key)s AND lifted_at IS NULL)
      AND NOT EXISTS (
          SELECT 1 FROM {_DELIVERY}
          WHERE channel = %(channel)s AND delivery_key = %(delivery_key)s)
    RETURNING id
)
INSERT INTO {_DELIVERY}
    (channel, delivery_key, conversation_id, replies, redacted_replies, created_at)
SELECT %(channel)s, %(delivery_key)s, id, %(replies)s, NULL, %(created_at)s FROM saved
RETURNING id
"""


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
    await cursor.execute(f"BEGIN; {PG_LOCK_FOR_MESSAGE}", params)
    return _locked(await _last_result(cursor))


async def create_for_message_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    channel: str,
    user_key: str,
    user_ref: str,
    delivery_key: str | None,
) -> LockedConversation | None:
    """In the transaction `lock_for_message_on` began and found no conversation in: create the
    tipster's (`create_conversation`: an empty state) and lock it, as `lock_for_message_on`
    (None only if one made meanwhile by another turn was deleted before the lock)."""
    now = utcnow()
    params = {
        "channel": channel,
        "user_key": user_key,
        "user_ref": user_ref,
        "state": "{}",
        "created_at": now,
        "updated_at": now,
        "delivery_key": delivery_key,
    }
    cursor = psycopg.AsyncClientCursor(connection)
    await cursor.execute(f"{PG_CREATE_CONVERSATION}; {PG_LOCK_FOR_MESSAGE}", params)
    return _locked(await _last_result(cursor))


def _locked(row: tuple[Any, ...] | None) -> LockedConversation | None:
    if row is None:
        return None
    conversation_id, user_ref, state, seen_id, seen_conversation, replies, block_id = row
    seen = SeenDelivery(seen_conversation, replies) if seen_id is not None else None
    return LockedConversation(conversation_id, user_ref, state, seen, block_id is not None)


async def commit_turn_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    conversation_id: int,
    state: str,
    now: datetime,
    delivered: Delivered | None,
) -> None:
    """Store the state (JSON text) and the delivery's record, and commit (waiting for the
    disk)."""
    params: dict[str, Any] = {"conversation_id": conversation_id, "new_state": state, "now": now}
    statements = [PG_SAVE_STATE]
    if delivered is not None:
        channel, delivery_key, replies, redacted = delivered
        params |= {
            "channel": channel,
            "delivery_key": delivery_key,
            "replies": replies,
            "redacted_replies": redacted,
            "created_at": utcnow(),
        }
        statements.append(PG_RECORD_DELIVERY)
    cursor = psycopg.AsyncClientCursor(connection)
    await cursor.execute("; ".join([*statements, "COMMIT"]), params)


async def save_if_unchanged_on(
    connection: psycopg.AsyncConnection[Any],
    *,
    conversation_id: int,
    user_key: str,
    old_state: str,
    new_state: str,
    now: datetime,
    delivered: tuple[str, str, str],
) -> bool:
    """Store `new_state` (JSON text) and the delivery's record (channel, key, replies) in one
    committed statement if the conversation's state is still `old_state`, no block is in force
    and the delivery is new; whether it did (if not, nothing changed)."""
    channel, delivery_key, replies = delivered
    params = {
        "conversation_id": conversation_id,
        "user_key": user_key,
        "old_state": old_state,
        "new_state": new_state,
        "now": now,
        "channel": channel,
        "delivery_key": delivery_key,
        "replies": replies,
        "created_at": utcnow(),
    }
    cursor = await connection.execute(_SAVE_IF_UNCHANGED, params)
    return await cursor.fetchone() is not None


async def roll_back_on(connection: psycopg.AsyncConnection[Any]) -> None:
    """End the turn's transaction without writing anything."""
    await connection.rollback()
