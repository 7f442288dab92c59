"""Read-only queries the coordinators' dashboard needs beyond storage.reports."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from storage.models import Report, ReportEvent

__all__ = [
    "REVIEW_ACTIONS",
    "first_review_delays",
    "report_facts",
    "status_counts",
]

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
