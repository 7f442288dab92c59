"""Read-only queries the coordinators' dashboard needs beyond storage.reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from storage.models import Attachment, Report, ReportEvent
from storage.workflow_models import Note, Referral

__all__ = [
    "REVIEW_ACTIONS",
    "attachment_counts",
    "first_review_delays",
    "get_attachment",
    "list_attachments",
    "list_notes",
    "list_referrals",
    "report_facts",
    "status_counts",
]

# A coordinator looking at a tip for the first time does one of these.
REVIEW_ACTIONS = ("claimed", "status_changed", "note_added", "reassigned")


def status_counts(*, session: Session) -> dict[str, int]:
    """How many reports there are in each status."""
    statement = select(Report.status, func.count()).group_by(Report.status)
    return {status: int(count) for status, count in session.exec(statement)}


def attachment_counts(*, session: Session, report_ids: Sequence[int]) -> dict[int, int]:
    """How many attachments each of these reports has (reports without any are left out)."""
    if not report_ids:
        return {}
    statement = (
        select(Attachment.report_id, func.count())
        .where(col(Attachment.report_id).in_(report_ids))
        .group_by(col(Attachment.report_id))
    )
    return {int(rid): int(count) for rid, count in session.exec(statement) if rid is not None}


def list_attachments(*, session: Session, report_id: int) -> list[Attachment]:
    """A report's attachments in the order they were sent."""
    statement = select(Attachment).where(Attachment.report_id == report_id)
    return list(session.exec(statement.order_by(col(Attachment.id))))


def get_attachment(*, session: Session, attachment_id: int) -> Attachment | None:
    """One attachment by id."""
    return session.get(Attachment, attachment_id)


def list_notes(*, session: Session, report_id: int) -> list[Note]:
    """A report's internal notes, oldest first."""
    statement = select(Note).where(Note.report_id == report_id)
    return list(session.exec(statement.order_by(col(Note.id))))


def list_referrals(*, session: Session, report_id: int) -> list[Referral]:
    """Where a report was referred, oldest first."""
    statement = select(Referral).where(Referral.report_id == report_id)
    return list(session.exec(statement.order_by(col(Referral.id))))


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
