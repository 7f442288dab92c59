"""Outcomes stored and read: a tip's outcomes, the latest of several, facts for the overview,
and what became of a tipster's earlier tips (by the blind index of their chat, never who)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Report, ReportEvent
from storage.outcome_models import Outcome

__all__ = [
    "MILESTONE_ACTIONS",
    "add_outcomes",
    "earlier_tips_of",
    "latest_outcomes",
    "list_outcomes",
    "milestone_events",
    "outcome_facts",
    "received_facts",
]

# Events marking a tip's way to verification and referral.
MILESTONE_ACTIONS = ("status_changed", "referred")


def add_outcomes(
    *,
    session: Session,
    report_ids: Sequence[int],
    kind: str,
    happened_on: date,
    coordinator_id: int | None,
    recorded_by: str,
    note: str | None,
    batch: str,
) -> list[Outcome]:
    """One outcome row for each of these tips, recorded together."""
    rows = [
        Outcome(
            report_id=report_id,
            kind=kind,
            happened_on=happened_on,
            coordinator_id=coordinator_id,
            recorded_by=recorded_by,
            note=note,
            batch=batch,
        )
        for report_id in report_ids
    ]
    session.add_all(rows)
    session.flush()
    return rows


def list_outcomes(*, session: Session, report_id: int) -> list[Outcome]:
    """A tip's outcomes, latest first (by the day it happened, then as recorded)."""
    statement = select(Outcome).where(Outcome.report_id == report_id)
    return list(
        session.exec(statement.order_by(col(Outcome.happened_on).desc(), col(Outcome.id).desc()))
    )


def latest_outcomes(*, session: Session, report_ids: Sequence[int]) -> dict[int, Outcome]:
    """The outcome each of these tips has now (tips without one are left out)."""
    if not report_ids:
        return {}
    statement = (
        select(Outcome)
        .where(col(Outcome.report_id).in_(report_ids))
        .order_by(col(Outcome.happened_on), col(Outcome.id))
    )
    return {row.report_id: row for row in session.exec(statement)}  # the last one wins


def outcome_facts(*, session: Session, since: date) -> list[Outcome]:
    """Every outcome that happened since a day, oldest first."""
    statement = select(Outcome).where(col(Outcome.happened_on) >= since)
    return list(session.exec(statement.order_by(col(Outcome.happened_on), col(Outcome.id))))


def received_facts(
    *, session: Session, report_ids: Sequence[int]
) -> dict[int, tuple[datetime, str | None]]:
    """(received at, province) of each of these tips."""
    if not report_ids:
        return {}
    statement = select(Report.id, Report.created_at, Report.province).where(
        col(Report.id).in_(report_ids)
    )
    return {int(rid): (at, province) for rid, at, province in session.exec(statement) if rid}


def milestone_events(
    *, session: Session, since: datetime
) -> list[tuple[int, str, dict[str, Any], datetime]]:
    """(report id, action, detail, at) of status changes and referrals of tips received since."""
    statement = (
        select(ReportEvent.report_id, ReportEvent.action, ReportEvent.detail, ReportEvent.at)
        .join(Report, col(Report.id) == col(ReportEvent.report_id))
        .where(col(Report.created_at) >= since, col(ReportEvent.action).in_(MILESTONE_ACTIONS))
        .order_by(col(ReportEvent.at))
    )
    return [
        (rid, action, dict(detail or {}), at) for rid, action, detail, at in session.exec(statement)
    ]


def earlier_tips_of(
    *, session: Session, tipster_key: str, before: datetime, report_id: int
) -> list[Report]:
    """The tips the same tipster (by blind index) sent before this one."""
    statement = select(Report).where(
        Report.tipster_key == tipster_key,
        col(Report.created_at) < before,
        col(Report.id) != report_id,
    )
    return list(session.exec(statement.order_by(col(Report.created_at))))
