"""Data access for conversations and handled deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ClauseElement, Connection, Table, and_, bindparam, insert, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, delete, select

from storage.models import Conversation, Delivery, utcnow
from storage.workflow_models import TipsterBlock

__all__ = [
    "conversation_language",
    "create_conversation",
    "find_delivery",
    "LockedConversation",
    "lock_conversation",
    "lock_for_message",
    "PG_CREATE_CONVERSATION",
    "PG_LOCK_FOR_MESSAGE",
    "PG_RECORD_DELIVERY",
    "PG_SAVE_STATE",
    "purge_expired_drafts",
    "purge_old_deliveries",
    "record_delivery",
    "redact_receipts",
    "save_state",
]

_CONVERSATION: Table = Conversation.__table__  # type: ignore[attr-defined]
_DELIVERY: Table = Delivery.__table__  # type: ignore[attr-defined]
_BLOCK: Table = TipsterBlock.__table__  # type: ignore[attr-defined]
# Built once, run with parameters: the conversation's lock, the message's delivery handled
# before (a NULL key matches none) and a block in force, in one statement.
_LOCK_FOR_MESSAGE = (
    select(  # type: ignore[call-overload]
        _CONVERSATION.c.id,
        _CONVERSATION.c.user_ref,
        _CONVERSATION.c.state,
        _DELIVERY.c.id,
        _DELIVERY.c.conversation_id,
        _DELIVERY.c.replies,
        _BLOCK.c.id,
    )
    .select_from(
        _CONVERSATION.outerjoin(
            _DELIVERY,
            and_(
                _DELIVERY.c.channel == bindparam("channel"),
                _DELIVERY.c.delivery_key == bindparam("delivery_key"),
            ),
        ).outerjoin(
            _BLOCK,
            and_(_BLOCK.c.tipster_key == bindparam("user_key"), _BLOCK.c.lifted_at.is_(None)),
        )
    )
    .where(
        _CONVERSATION.c.channel == bindparam("channel"),
        _CONVERSATION.c.user_key == bindparam("user_key"),
    )
    .with_for_update(of=_CONVERSATION)
)
_RECORD_DELIVERY = insert(_DELIVERY)  # its columns' values come with each execution
_SAVE_STATE = (
    update(_CONVERSATION)
    .where(_CONVERSATION.c.id == bindparam("conversation_id"))
    .values(state=bindparam("new_state"), updated_at=bindparam("now"))
)


# The same three statements compiled once for PostgreSQL, handed to psycopg as they are
# (`exec_driver_sql`: no construct to compile or cache-key each time, SQLAlchemy's error
# handling kept: IntegrityError, OperationalError and disconnects as from `execute`); psycopg
# prepares them server-side after a few uses. Three times an update; the interview's turn on
# the event loop sends the same text (`storage.conversation_turns`).
_POSTGRESQL = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]


def _for_postgresql(statement: ClauseElement, *columns: str) -> str:
    """A statement as psycopg takes it (an INSERT with just these `columns`, returning its id
    as `execute` has it do)."""
    return str(statement.compile(dialect=_POSTGRESQL, column_keys=list(columns) or None))


PG_LOCK_FOR_MESSAGE = _for_postgresql(_LOCK_FOR_MESSAGE)
PG_RECORD_DELIVERY = _for_postgresql(
    _RECORD_DELIVERY,
    "channel",
    "delivery_key",
    "conversation_id",
    "replies",
    "redacted_replies",
    "created_at",
)
PG_SAVE_STATE = _for_postgresql(_SAVE_STATE)
# `create_conversation`'s row for the turn on the event loop (one that is there is kept).
PG_CREATE_CONVERSATION = _for_postgresql(
    pg_insert(_CONVERSATION).on_conflict_do_nothing(index_elements=["channel", "user_key"]),
    "channel",
    "user_key",
    "user_ref",
    "state",
    "created_at",
    "updated_at",
)


def _postgresql(session: Session) -> Connection | None:
    """The session's connection, in its transaction, when on PostgreSQL."""
    connection = session.connection()
    return connection if connection.dialect.name == "postgresql" else None


@dataclass(frozen=True)
class SeenDelivery:
    """A message handled before: whose conversation it was, and the replies it got."""

    conversation_id: int | None
    replies: str


@dataclass(frozen=True)
class LockedConversation:
    """A conversation locked for one message, with what that message's look-ups found."""

    id: int
    user_ref: str
    state: dict[str, Any]
    seen: SeenDelivery | None  # the message's delivery, if it was handled before
    blocked: bool  # a block is in force on the tipster


def lock_for_message(
    *, session: Session, channel: str, user_key: str, delivery_key: str | None
) -> LockedConversation | None:
    """Lock a tipster's conversation until the transaction ends (per-tipster order), and in
    the same statement find the message's delivery handled before and a block in force."""
    params = {"channel": channel, "user_key": user_key, "delivery_key": delivery_key}
    if (pg := _postgresql(session)) is not None:
        row = pg.exec_driver_sql(PG_LOCK_FOR_MESSAGE, params).first()
    else:
        row = session.connection().execute(_LOCK_FOR_MESSAGE, params).first()
    if row is None:
        return None
    conversation_id, user_ref, state, seen_id, seen_conversation, replies, block_id = row
    seen = SeenDelivery(seen_conversation, replies) if seen_id is not None else None
    return LockedConversation(conversation_id, user_ref, state, seen, block_id is not None)


def save_state(
    *, session: Session, conversation_id: int, state: dict[str, Any], now: datetime
) -> None:
    """Store a conversation's interview state (one UPDATE, not the ORM's unit of work)."""
    params = {"conversation_id": conversation_id, "new_state": state, "now": now}
    if (pg := _postgresql(session)) is not None:
        pg.exec_driver_sql(PG_SAVE_STATE, {**params, "new_state": json.dumps(state)})
    else:
        session.connection().execute(_SAVE_STATE, params)


def lock_conversation(*, session: Session, channel: str, user_key: str) -> Conversation | None:
    """Load a conversation and lock its row until the transaction ends (per-tipster order)."""
    statement = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.user_key == user_key)
        .with_for_update()
    )
    return session.exec(statement).first()


def conversation_language(*, session: Session, channel: str, user_key: str) -> str | None:
    """The language a tipster's conversation is in, if they have one (no lock)."""
    statement = select(Conversation).where(
        Conversation.channel == channel, Conversation.user_key == user_key
    )
    conversation = session.exec(statement).first()
    language = conversation.state.get("language") if conversation is not None else None
    return language if isinstance(language, str) else None


def create_conversation(
    *, session: Session, channel: str, user_key: str, user_ref: str
) -> Conversation:
    """Start a conversation for a tipster we have not seen on this channel."""
    conversation = Conversation(channel=channel, user_key=user_key, user_ref=user_ref, state={})
    session.add(conversation)
    session.flush()
    return conversation


def find_delivery(*, session: Session, channel: str, delivery_key: str) -> Delivery | None:
    """The record of an inbound message we already handled, if any."""
    statement = select(Delivery).where(
        Delivery.channel == channel, Delivery.delivery_key == delivery_key
    )
    return session.exec(statement).first()


def record_delivery(
    *,
    session: Session,
    channel: str,
    delivery_key: str,
    conversation_id: int | None,
    replies: str,
    redacted_replies: str | None = None,
) -> None:
    """Remember that an inbound message was handled and what we answered.

    Replies holding a secret (a receipt's PIN) come with `redacted_replies`, which replace
    them once the secret is no longer needed for re-deliveries (`redact_receipts`). One
    prebuilt INSERT on the session's connection, not the ORM's: nothing reads the row back.
    """
    params = {
        "channel": channel,
        "delivery_key": delivery_key,
        "conversation_id": conversation_id,
        "replies": replies,
        "redacted_replies": redacted_replies,
        "created_at": utcnow(),
    }
    if (pg := _postgresql(session)) is not None:
        pg.exec_driver_sql(PG_RECORD_DELIVERY, params)
    else:
        session.connection().execute(_RECORD_DELIVERY, params)


def purge_expired_drafts(*, session: Session, untouched_since: datetime) -> int:
    """Delete unfinished drafts idle since before a moment; keep only the language."""
    statement = select(Conversation).where(col(Conversation.updated_at) < untouched_since)
    purged = 0
    for conversation in session.exec(statement):
        state = conversation.state or {}
        if state.get("step") is None and not state.get("draft"):
            continue
        conversation.state = {"language": state.get("language")}
        session.add(conversation)
        purged += 1
    return purged


def purge_old_deliveries(*, session: Session, before: datetime) -> int:
    """Forget delivery records (and the replies kept for re-deliveries) older than a moment."""
    result = session.exec(delete(Delivery).where(col(Delivery.created_at) < before))
    return int(result.rowcount or 0)


def redact_receipts(*, session: Session, before: datetime) -> int:
    """Swap replies holding a PIN, given before a moment, for their redacted form."""
    result = session.exec(
        update(Delivery)
        .where(col(Delivery.redacted_replies).is_not(None), col(Delivery.created_at) < before)
        .values(replies=col(Delivery.redacted_replies), redacted_replies=None)
    )
    return int(result.rowcount or 0)
