"""Data access for raw inbound updates, stored before they are acknowledged to the platform."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import InboundUpdate, utcnow

__all__ = ["mark_processed", "store_update", "unhandled_before", "unprocessed_updates"]


def store_update(
    *, session: Session, channel: str, update_key: str, payload: str, chat_key: str | None = None
) -> int | None:
    """Store an update (payload already encrypted); its row id, or None if stored before.

    One statement (no savepoint, no second look-up): this runs before every acknowledgement.
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(InboundUpdate)
        .values(
            channel=channel,
            update_key=update_key,
            chat_key=chat_key,
            payload=payload,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["channel", "update_key"])
        .returning(col(InboundUpdate.id))
    )
    return session.execute(statement).scalar_one_or_none()


def unprocessed_updates(
    *, session: Session, channel: str, limit: int = 1000
) -> list[InboundUpdate]:
    """Updates stored but not yet processed, oldest first (to finish after a restart)."""
    statement = (
        select(InboundUpdate)
        .where(InboundUpdate.channel == channel, col(InboundUpdate.processed_at).is_(None))
        .order_by(col(InboundUpdate.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def unhandled_before(
    *, session: Session, channel: str, chat_key: str, update_id: int
) -> list[InboundUpdate]:
    """A chat's updates stored before this one and not yet handled, oldest first.

    Usually none: left by a process that died, or waiting in another one.
    """
    statement = (
        select(InboundUpdate)
        .where(
            InboundUpdate.channel == channel,
            InboundUpdate.chat_key == chat_key,
            col(InboundUpdate.id) < update_id,
            col(InboundUpdate.processed_at).is_(None),
        )
        .order_by(col(InboundUpdate.id))
    )
    return list(session.exec(statement))


def mark_processed(*, session: Session, update_id: int) -> None:
    """Note that an update's effect is done (its content is no longer needed: dropped)."""
    statement = (
        update(InboundUpdate)
        .where(col(InboundUpdate.id) == update_id, col(InboundUpdate.processed_at).is_(None))
        .values(processed_at=utcnow(), payload="")
    )
    session.execute(statement)
