"""Data access for same-child links: tips probably about one child, and their verdicts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Report, ReportStatus
from storage.registry_models import SameChildLink

__all__ = ["get_link", "link_candidates", "links_touching"]


def link_candidates(
    *, session: Session, report: Report, window: timedelta, limit: int = 500
) -> list[Report]:
    """Other open tips of the same kind that may be about this tip's child (place, time)."""
    statement = select(Report).where(
        Report.id != report.id,
        Report.status != ReportStatus.CLOSED,
        Report.kind == report.kind,
    )
    if report.province:
        statement = statement.where(Report.province == report.province)
    if report.seen_on:
        statement = statement.where(
            col(Report.seen_on) >= report.seen_on - window,
            col(Report.seen_on) <= report.seen_on + window,
        )
    return list(session.exec(statement.limit(limit)))


def links_touching(*, session: Session, report_id: int) -> list[SameChildLink]:
    """Every same-child link on either side of which this tip stands."""
    statement = select(SameChildLink).where(
        or_(
            col(SameChildLink.report_id) == report_id,
            col(SameChildLink.other_report_id) == report_id,
        )
    )
    return list(session.exec(statement))


def get_link(*, session: Session, report_id: int, other_report_id: int) -> SameChildLink | None:
    """The link between two tips, given in either order; None if never proposed."""
    low, high = sorted((report_id, other_report_id))
    statement = select(SameChildLink).where(
        SameChildLink.report_id == low, SameChildLink.other_report_id == high
    )
    return session.exec(statement).first()
