"""Data access for alerts and their deliveries: the outbox of one row per message.

A delivery moves pending → sending → sent | blocked | unreachable | failed, each step one
conditional UPDATE (as storage/outbox.py does), so two workers never both send a row. A row
left "sending" by a worker killed mid-send is settled as "uncertain" once its claim is older
than the lease (settle_lost_sends), never sent again: see triage/alerts/fanout.py for why.

A message sent in two parts (the photo, then the text) marks its row once the photo went
(mark_photo_sent), while the row is still claimed; a row put back after its text failed is
then claimed again with the photo marked, and only its text is sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, insert, or_, text, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, func, select

from storage.alert_models import Alert, AlertDelivery, DeliveryKind, DeliveryStatus
from storage.models import utcnow

__all__ = [
    "MAX_ATTEMPTS",
    "Claim",
    "add_deliveries",
    "claim_delivery",
    "delivery_counts",
    "finish_delivery",
    "list_alerts",
    "mark_photo_sent",
    "next_deliveries",
    "reached_subscriptions",
    "settle_lost_sends",
    "unfinished_fanouts",
    "withdraw_unsent",
]

MAX_ATTEMPTS = 5  # claims of one row before it is given up as failed


def open_alert_for_case(*, session: Session, case_id: str) -> Alert | None:
    """The case's alert still open, if any."""
    return session.exec(
        select(Alert).where(Alert.case_id == case_id, col(Alert.closed_at).is_(None))
    ).first()


def list_alerts(*, session: Session) -> list[Alert]:
    """Every alert, newest first."""
    return list(session.exec(select(Alert).order_by(col(Alert.id).desc())))


def add_deliveries(
    *, session: Session, alert_id: int, kind: DeliveryKind, targets: list[tuple[int, float | None]]
) -> int:
    """One pending row per (subscription id, distance), in the order given (nearest first)."""
    if not targets:
        return 0
    rows = [
        {
            "alert_id": alert_id,
            "subscription_id": subscription_id,
            "kind": kind.value,
            "rank": rank,
            "distance_km": distance,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
        }
        for rank, (subscription_id, distance) in enumerate(targets)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(AlertDelivery), rows[start : start + 5000])
    return len(rows)


def next_deliveries(
    *, session: Session, alert_id: int, kind: DeliveryKind, limit: int
) -> list[AlertDelivery]:
    """The next pending rows of an alert's message, nearest first."""
    statement = (
        select(AlertDelivery)
        .where(
            AlertDelivery.alert_id == alert_id,
            AlertDelivery.kind == kind,
            AlertDelivery.status == DeliveryStatus.PENDING,
        )
        .order_by(col(AlertDelivery.rank))
        .limit(limit)
    )
    return list(session.exec(statement))


@dataclass(frozen=True)
class Claim:
    """A row taken for sending."""

    photo_sent: bool  # its photo went before (its text failed): only the text is left


def claim_delivery(*, session: Session, delivery_id: int, now: datetime) -> Claim | None:
    """Take a pending row for sending; None if another worker has it, it is done, or it is
    an alert's message and the alert has closed since (a row put back after a failed send:
    the fan-out withdraws it)."""
    alert_open = exists().where(
        col(Alert.id) == col(AlertDelivery.alert_id), col(Alert.closed_at).is_(None)
    )
    claimed = session.execute(
        update(AlertDelivery)
        .where(
            col(AlertDelivery.id) == delivery_id,
            col(AlertDelivery.status) == DeliveryStatus.PENDING,
            or_(col(AlertDelivery.kind) != DeliveryKind.ALERT, alert_open),
        )
        .values(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            attempts=col(AlertDelivery.attempts) + 1,
        )
        .returning(col(AlertDelivery.photo_sent_at))
        .execution_options(synchronize_session=False)
    ).first()
    return None if claimed is None else Claim(photo_sent=claimed[0] is not None)


def mark_photo_sent(*, session: Session, delivery_id: int, now: datetime) -> None:
    """Record that a claimed row's photo went as a message of its own (its text is next).

    Committed before the text is tried, and (unlike finish_delivery) waiting for the disk:
    it is what keeps a retry after the text failed from sending the photo again."""
    session.execute(
        update(AlertDelivery)
        .where(
            col(AlertDelivery.id) == delivery_id,
            col(AlertDelivery.status) == DeliveryStatus.SENDING,
        )
        .values(photo_sent_at=now)
    )


def finish_delivery(
    *, session: Session, delivery_id: int, status: DeliveryStatus, failure: str | None = None
) -> None:
    """Record how a claimed row ended (sent, blocked, unreachable, or back to pending)."""
    if session.get_bind().dialect.name == "postgresql":
        # Not waiting for the disk spares tipsters' replies a flush per alert message: lost
        # only with the database itself, this leaves the row "sending", settled as uncertain
        # and never sent twice. (The claim before the send does wait: it is what keeps a
        # message from going twice.)
        session.execute(text("SET LOCAL synchronous_commit = off"))
    session.execute(
        update(AlertDelivery)
        .where(
            col(AlertDelivery.id) == delivery_id,
            col(AlertDelivery.status) == DeliveryStatus.SENDING,
        )
        .values(
            status=status,
            failure=failure[:128] if failure else None,
            sent_at=utcnow() if status == DeliveryStatus.SENT else None,
        )
    )


def settle_lost_sends(*, session: Session, claimed_before: datetime) -> int:
    """Rows a dead worker left "sending" (handed to the platform): "uncertain", not re-sent."""
    result = session.execute(
        update(AlertDelivery)
        .where(
            col(AlertDelivery.status) == DeliveryStatus.SENDING,
            col(AlertDelivery.claimed_at) < claimed_before,
        )
        .values(status=DeliveryStatus.UNCERTAIN, failure="its worker died while sending")
    )
    return result.rowcount if isinstance(result, CursorResult) else 0


def unfinished_fanouts(*, session: Session) -> list[tuple[int, str]]:
    """(alert id, kind) of every message with rows still pending."""
    statement = (
        select(AlertDelivery.alert_id, AlertDelivery.kind)
        .where(AlertDelivery.status == DeliveryStatus.PENDING)
        .distinct()
    )
    return [(row[0], row[1]) for row in session.exec(statement)]


def reached_subscriptions(*, session: Session, alert_id: int) -> list[int]:
    """Subscription ids the alert reached (or most likely did: being sent, or settled
    uncertain after its worker died; or shown its photo, its text not yet), in the order it
    reached them."""
    reached = (DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN)
    statement = (
        select(AlertDelivery.subscription_id)
        .where(
            AlertDelivery.alert_id == alert_id,
            AlertDelivery.kind == DeliveryKind.ALERT,
            or_(
                col(AlertDelivery.status).in_(reached),
                col(AlertDelivery.photo_sent_at).is_not(None),
            ),
        )
        .order_by(col(AlertDelivery.rank))
    )
    return list(session.exec(statement))


def delivery_counts(*, session: Session, alert_id: int, kind: DeliveryKind) -> Counter[str]:
    """How many rows of an alert's message are in each status."""
    statement = (
        select(AlertDelivery.status, func.count())
        .where(AlertDelivery.alert_id == alert_id, AlertDelivery.kind == kind)
        .group_by(col(AlertDelivery.status))
    )
    return Counter({row[0]: row[1] for row in session.exec(statement)})


def withdraw_unsent(*, session: Session, alert_id: int) -> int:
    """An alert closed: its messages not sent yet are never sent; returns how many."""
    result = session.execute(
        update(AlertDelivery)
        .where(
            col(AlertDelivery.alert_id) == alert_id,
            col(AlertDelivery.kind) == DeliveryKind.ALERT,
            col(AlertDelivery.status) == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.WITHDRAWN)
    )
    return result.rowcount if isinstance(result, CursorResult) else 0
