"""Data access for reports: saving with their outbox rows, events, lookups, counts."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, not_, update
from sqlmodel import Session, col, func, select

from storage.claims import claim_is_live
from storage.models import Attachment, OutboxItem, Report, ReportEvent, ReportStatus
from storage.outbox import OutboxJob

__all__ = [
    "REVIEW_ACTIONS",
    "append_event",
    "first_review_delays",
    "get_report",
    "list_events",
    "mark_escalated",
    "new_pin",
    "new_ref",
    "normalise_ref",
    "open_queue",
    "open_sightings",
    "overdue_imminent",
    "queue_order",
    "report_facts",
    "save_report",
    "status_counts",
]

# No 0/O, 1/I/L: the code is read aloud and copied from a phone screen.
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_ref() -> str:
    """A short reference code such as HW-7K3P-Q9."""
    chars = "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
    return f"HW-{chars[:4]}-{chars[4:]}"


def normalise_ref(typed: str) -> str | None:
    """A reference code as people type it (hw 7k3p q9, 7K3PQ9, full-width) in its stored form.

    None when it can't be one of ours: the code has six characters of REF_ALPHABET.
    """
    bare = "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isalnum())
    if bare.startswith("HW") and len(bare) == 8:
        bare = bare[2:]
    if len(bare) != 6 or not all(ch in REF_ALPHABET for ch in bare):
        return None
    return f"HW-{bare[:4]}-{bare[4:]}"


def new_pin() -> str:
    """A six-digit secret PIN for following up anonymously."""
    return f"{secrets.randbelow(10**6):06d}"


def save_report(
    *,
    session: Session,
    report: Report,
    attachments: Iterable[Attachment] = (),
    jobs: Sequence[OutboxJob] = (OutboxJob.FOLLOW_UP, OutboxJob.ASSESS),
    actor: str = "tipster",
) -> Report:
    """Add a report, its attachments, its outbox rows and a 'submitted' event, not committed."""
    session.add(report)
    session.flush()
    assert report.id is not None
    for attachment in attachments:
        attachment.report_id = report.id
        session.add(attachment)
    for job in jobs:
        session.add(OutboxItem(report_id=report.id, job=job))
    append_event(
        session=session,
        report_id=report.id,
        actor=actor,
        action="submitted",
        detail={"channel": report.channel, "kind": report.kind},
    )
    return report


def append_event(
    *,
    session: Session,
    report_id: int,
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
) -> ReportEvent:
    """Record something that happened to a report (the log is append-only)."""
    event = ReportEvent(report_id=report_id, actor=actor, action=action, detail=detail or {})
    session.add(event)
    return event


def get_report(*, session: Session, ref: str) -> Report | None:
    """A report by its reference code as typed (case, spaces, dashes, full width forgiven)."""
    code = normalise_ref(ref)
    if code is None:
        return None
    return session.exec(select(Report).where(Report.ref == code)).first()


def queue_order(now: datetime) -> tuple[Any, ...]:
    """The one order of every queue: tips on top (a missing child gone less than 72 hours, an
    imminent tip) while they are, then tips not assessed yet, then most urgent, then oldest."""
    tier = case(
        (col(Report.top_until) > now, 0),
        (col(Report.urgency).is_(None), 1),
        else_=2,
    )
    return tier, col(Report.urgency).desc(), col(Report.created_at), col(Report.id)


def open_queue(
    *, session: Session, now: datetime, status: str | None = None, limit: int = 100
) -> list[Report]:
    """Tips not closed (or of one status) in queue order."""
    statement = select(Report).where(
        Report.status == status if status else Report.status != ReportStatus.CLOSED
    )
    return list(session.exec(statement.order_by(*queue_order(now)).limit(limit)))


def open_sightings(*, session: Session) -> list[Report]:
    """Sightings not closed: what a new or changed registry entry is compared against."""
    statement = select(Report).where(
        Report.status != ReportStatus.CLOSED, Report.kind == "sighting"
    )
    return list(session.exec(statement))


def overdue_imminent(*, session: Session, received_before: datetime, now: datetime) -> list[Report]:
    """Open imminent tips received before then, nobody holding them, leads not yet told."""
    statement = select(Report).where(
        col(Report.imminent),
        Report.status != ReportStatus.CLOSED,
        col(Report.escalated_at).is_(None),
        col(Report.created_at) <= received_before,
        not_(claim_is_live(now)),
    )
    return list(session.exec(statement.order_by(col(Report.created_at))))


def mark_escalated(*, session: Session, report_id: int, now: datetime) -> bool:
    """Note that the leads were told; False if another sweeper did it first (one UPDATE)."""
    result = session.exec(
        update(Report)
        .where(col(Report.id) == report_id, col(Report.escalated_at).is_(None))
        .values(escalated_at=now)
    )
    return bool(result.rowcount)


def list_events(*, session: Session, report_id: int) -> list[ReportEvent]:
    """A report's event log in order."""
    statement = select(ReportEvent).where(ReportEvent.report_id == report_id)
    return list(session.exec(statement.order_by(col(ReportEvent.id))))


# A coordinator looking at a tip for the first time does one of these.
REVIEW_ACTIONS = ("claimed", "status_changed", "note_added", "reassigned")


def status_counts(*, session: Session) -> dict[str, int]:
    """How many reports there are in each status."""
    statement = select(Report.status, func.count()).group_by(Report.status)
    return {status: int(count) for status, count in session.exec(statement)}


def report_facts(*, session: Session, since: datetime) -> list[tuple[datetime, str, str | None]]:
    """(received at, status, province) of every report received since a moment."""
    statement = select(Report.created_at, Report.status, Report.province).where(
        col(Report.created_at) >= since
    )
    return [(at, status, province) for at, status, province in session.exec(statement)]


def first_review_delays(*, session: Session, since: datetime) -> list[float]:
    """Seconds from receipt to a coordinator's first action, for reports received since then."""
    first = (
        select(ReportEvent.report_id, func.min(ReportEvent.at).label("first_at"))
        .where(col(ReportEvent.action).in_(REVIEW_ACTIONS))
        .group_by(col(ReportEvent.report_id))
        .subquery()
    )
    statement = (
        select(Report.created_at, first.c.first_at)
        .join(first, first.c.report_id == Report.id)
        .where(col(Report.created_at) >= since)
    )
    delays = []
    for created, first_at in session.exec(statement):
        created_at = _aware(created)
        delays.append(max(0.0, (_aware(first_at) - created_at).total_seconds()))
    return delays


def _aware(value: datetime | str) -> datetime:
    # SQLite may give an aggregate back naive or as text; stored values are UTC.
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
