"""Data access for raw inbound updates, stored before they are acknowledged to the platform."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import InboundUpdate, utcnow

__all__ = ["mark_processed", "store_update", "unprocessed_updates"]


def store_update(*, session: Session, channel: str, update_key: str, payload: str) -> bool:
    """Store an update (payload already encrypted); False if it was stored before."""
    try:
        with session.begin_nested():
            session.add(InboundUpdate(channel=channel, update_key=update_key, payload=payload))
    except IntegrityError:
        return False
    return True


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


def mark_processed(*, session: Session, update_id: int) -> None:
    """Note that an update's effect is done."""
    update = session.get(InboundUpdate, update_id)
    if update is not None and update.processed_at is None:
        update.processed_at = utcnow()
        update.payload = ""  # the content is no longer needed once handled
        session.add(update)
