"""Data access for raw inbound updates, stored before they are acknowledged to the platform."""

from __future__ import annotations

from sqlalchemy import case, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import InboundUpdate, utcnow

# An update that fails this many times by a fault of its own (a bug, content the database
# refuses) is set aside, so it stops holding up its chat; an outage never counts.
SET_ASIDE_AFTER = 3

__all__ = [
    "SET_ASIDE_AFTER",
    "find_update_id",
    "mark_processed",
    "mark_processed_by_key",
    "record_failure",
    "retry_set_aside",
    "set_aside_updates",
    "store_update",
    "unhandled_through",
    "unprocessed_updates",
]


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


def find_update_id(*, session: Session, channel: str, update_key: str) -> int | None:
    """The row id of an update stored before."""
    statement = select(InboundUpdate.id).where(
        InboundUpdate.channel == channel, InboundUpdate.update_key == update_key
    )
    return session.exec(statement).first()


def unprocessed_updates(
    *, session: Session, channel: str, limit: int = 1000
) -> list[InboundUpdate]:
    """Updates stored but not yet processed, oldest first (to finish after a restart)."""
    statement = (
        select(InboundUpdate)
        .where(
            InboundUpdate.channel == channel,
            col(InboundUpdate.processed_at).is_(None),
            col(InboundUpdate.set_aside_at).is_(None),
        )
        .order_by(col(InboundUpdate.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def unhandled_through(
    *, session: Session, channel: str, chat_key: str, update_id: int
) -> list[InboundUpdate]:
    """A chat's updates not yet handled, up to and including this one, oldest first.

    Usually just this one; earlier ones were left by a process that died, or wait in another.
    This one missing means it was handled (or set aside) already.
    """
    statement = (
        select(InboundUpdate)
        .where(
            InboundUpdate.channel == channel,
            InboundUpdate.chat_key == chat_key,
            col(InboundUpdate.id) <= update_id,
            col(InboundUpdate.processed_at).is_(None),
            col(InboundUpdate.set_aside_at).is_(None),
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


def record_failure(
    *, session: Session, update_id: int, failure: str, set_aside_after: int = SET_ASIDE_AFTER
) -> bool:
    """Count a try that failed by the update's own fault; True if it is set aside by this one.

    One conditional UPDATE, so two processes failing the same update count twice, set it aside
    once. A set-aside update keeps its (encrypted) payload, for `homeward inbound retry`.
    """
    failures = col(InboundUpdate.failures) + 1
    statement = (
        update(InboundUpdate)
        .where(
            col(InboundUpdate.id) == update_id,
            col(InboundUpdate.processed_at).is_(None),
            col(InboundUpdate.set_aside_at).is_(None),
        )
        .values(
            failures=failures,
            failure=failure[:200],
            set_aside_at=case((failures >= set_aside_after, utcnow()), else_=None),
        )
        .returning(col(InboundUpdate.set_aside_at))
    )
    return session.execute(statement).scalar_one_or_none() is not None


def set_aside_updates(*, session: Session, limit: int = 200) -> list[InboundUpdate]:
    """Updates set aside after failing again and again, latest first (for the maintainers)."""
    statement = (
        select(InboundUpdate)
        .where(col(InboundUpdate.set_aside_at).is_not(None))
        .order_by(col(InboundUpdate.set_aside_at).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def retry_set_aside(*, session: Session, update_id: int) -> bool:
    """Put a set-aside update back in line (after a fix): the next start or chat update runs it."""
    statement = (
        update(InboundUpdate)
        .where(col(InboundUpdate.id) == update_id, col(InboundUpdate.set_aside_at).is_not(None))
        .values(set_aside_at=None, failures=0)
        .returning(col(InboundUpdate.id))
    )
    return session.execute(statement).scalar_one_or_none() is not None


def mark_processed_by_key(*, session: Session, channel: str, update_key: str) -> None:
    """`mark_processed` for an update known by its key (a WeChat message that failed before)."""
    statement = (
        update(InboundUpdate)
        .where(
            col(InboundUpdate.channel) == channel,
            col(InboundUpdate.update_key) == update_key,
            col(InboundUpdate.processed_at).is_(None),
        )
        .values(processed_at=utcnow(), payload="")
    )
    session.execute(statement)
