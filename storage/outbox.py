"""Data access for the outbox: follow-up work waiting to be queued or done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from storage.models import OutboxItem, OutboxStatus, utcnow

__all__ = [
    "OutboxJob",
    "add_outbox_item",
    "claim_outbox_item",
    "due_outbox_items",
    "has_outbox_item",
    "mark_done",
    "mark_enqueued",
    "pending_outbox_items",
    "pending_count",
]


class OutboxJob(StrEnum):
    """The follow-up work an outbox item asks for (the name the worker runs it by)."""

    FOLLOW_UP = "follow_up"  # thank the tipster, give the reference
    ASSESS = "assess"  # urgency, matching
    ESCALATE = "escalate"  # an imminent tip nobody claimed: tell the leads
    RELAY_TO_TIPSTER = "relay_to_tipster"  # a coordinator's question to the tipster
    TIPSTER_REPLIED = "tipster_replied"  # tell the coordinators
    TIP_CHANGED = "tip_changed"  # refresh the tip's card in the coordinators' group
    MATCH_DECIDED = "match_decided"  # the group's match notice says the verdict, wherever given


def due_outbox_items(
    *, session: Session, stale_before: datetime, limit: int = 500
) -> list[OutboxItem]:
    """Items never queued, or queued long ago and still not done (their job was lost)."""
    statement = (
        select(OutboxItem)
        .where(
            or_(
                col(OutboxItem.status) == OutboxStatus.PENDING,
                and_(
                    col(OutboxItem.status) == OutboxStatus.ENQUEUED,
                    col(OutboxItem.enqueued_at) < stale_before,
                ),
            )
        )
        .order_by(col(OutboxItem.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def pending_outbox_items(*, session: Session, report_id: int) -> list[OutboxItem]:
    """A report's items never queued yet, oldest first."""
    statement = select(OutboxItem).where(
        OutboxItem.report_id == report_id, OutboxItem.status == OutboxStatus.PENDING
    )
    return list(session.exec(statement.order_by(col(OutboxItem.id))))


def mark_enqueued(*, session: Session, item_ids: Sequence[int]) -> None:
    """Note that items' jobs are on the queue, unless a job is done already.

    One conditional UPDATE, never read-then-write: a worker may run the job and commit
    "done" between our enqueue and this call, and overwriting that with "enqueued" would
    have the sweeper run the job a second time ten minutes later.
    """
    session.exec(
        update(OutboxItem)
        .where(col(OutboxItem.id).in_(item_ids), col(OutboxItem.status) != OutboxStatus.DONE)
        .values(
            status=OutboxStatus.ENQUEUED,
            enqueued_at=utcnow(),
            attempts=col(OutboxItem.attempts) + 1,
        )
    )


def add_outbox_item(
    *, session: Session, report_id: int, job: OutboxJob, subject_id: int = 0
) -> OutboxItem:
    """Add follow-up work to the current transaction (it commits with what caused it)."""
    item = OutboxItem(report_id=report_id, job=job, subject_id=subject_id)
    session.add(item)
    session.flush()
    return item


def has_outbox_item(*, session: Session, report_id: int, job: OutboxJob, subject_id: int) -> bool:
    """True if this work was asked for already (done or not)."""
    statement = select(OutboxItem.id).where(
        OutboxItem.report_id == report_id,
        OutboxItem.job == job,
        OutboxItem.subject_id == subject_id,
    )
    return session.exec(statement).first() is not None


def claim_outbox_item(
    *, session: Session, report_id: int, job: OutboxJob, subject_id: int = 0
) -> OutboxItem | None:
    """Lock an item for its job; None if it is already done (the job ran before)."""
    statement = (
        select(OutboxItem)
        .where(
            OutboxItem.report_id == report_id,
            OutboxItem.job == job,
            OutboxItem.subject_id == subject_id,
        )
        .with_for_update()
    )
    item = session.exec(statement).first()
    if item is None or item.status == OutboxStatus.DONE:
        return None
    return item


def mark_done(*, session: Session, item: OutboxItem) -> None:
    """Mark a claimed item done, in the transaction that did its work (the row is locked)."""
    item.status, item.done_at = OutboxStatus.DONE, utcnow()
    session.add(item)


def pending_count(*, session: Session) -> int:
    """How many items are not done yet."""
    statement = select(OutboxItem).where(OutboxItem.status != OutboxStatus.DONE)
    return len(list(session.exec(statement)))
