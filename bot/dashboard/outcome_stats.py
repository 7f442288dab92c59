"""The overview's outcomes: per month by kind, and median times from a tip to verification,
referral and reunion, by province, over the last twelve months.

An outcome recorded on a case (several tips at once) counts once, and its time to reunion runs
from the case's first tip; verification and referral are counted per tip, from its receipt.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlmodel import Session

from bot.dashboard.charts import stacked_columns
from storage import OutcomeKind, ReportStatus
from storage.outcomes import milestone_events, outcome_facts, received_facts
from triage.outcomes import OUTCOME_KINDS

__all__ = ["MONTHS", "outcome_overview"]

MONTHS = 12
ALL = ""  # the row for every province together
Medians = dict[str, list[float]]


def _months(today: date) -> list[date]:
    """The first day of each of the last twelve months, oldest first."""
    firsts, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _milestones(session: Session, since: datetime) -> dict[str, dict[int, datetime]]:
    """When each tip was first verified and first referred."""
    first: dict[str, dict[int, datetime]] = {"verified": {}, "referred": {}}
    for report_id, action, detail, at in milestone_events(session=session, since=since):
        if action == "status_changed" and detail.get("to") in first:
            first[str(detail["to"])].setdefault(report_id, at)
        elif action == "referred":
            first[ReportStatus.REFERRED].setdefault(report_id, at)
    return first


def _add(medians: dict[str, Medians], province: str | None, what: str, value: float) -> None:
    for where in (ALL, province or "?"):
        medians[where].setdefault(what, []).append(value)


def outcome_overview(*, session: Session, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """Outcomes per month and the median times by province, ready for the template."""
    months = _months(now.astimezone(tz).date())
    since = datetime.combine(months[0], time(), tzinfo=tz)
    outcomes = outcome_facts(session=session, since=months[0])
    milestones = _milestones(session, since)
    tips = {rid for per in milestones.values() for rid in per} | {o.report_id for o in outcomes}
    received = received_facts(session=session, report_ids=sorted(tips))
    medians: dict[str, Medians] = defaultdict(dict)
    for what, per_tip in milestones.items():
        for report_id, at in per_tip.items():
            got, province = received[report_id]
            if got >= since:
                _add(medians, province, what, (at - got).total_seconds())
    batches: dict[str, list[Any]] = defaultdict(list)
    for outcome in outcomes:
        batches[outcome.batch].append(outcome)
    per_month: dict[str, Counter[str]] = {d.strftime("%Y-%m"): Counter() for d in months}
    for rows in batches.values():
        per_month[rows[0].happened_on.strftime("%Y-%m")][rows[0].kind] += 1
        if rows[0].kind == OutcomeKind.REUNITED:
            got, province = min((received[o.report_id] for o in rows), key=lambda fact: fact[0])
            days = (rows[0].happened_on - got.astimezone(tz).date()).days
            _add(medians, province, "reunited", max(days, 0) * 86400.0)
    columns = [(month, dict(counts)) for month, counts in per_month.items()]
    provinces = sorted(p for p in medians if p != ALL)
    return {
        "outcome_kinds": list(OUTCOME_KINDS),
        "outcomes_per_month": columns,
        "outcomes_chart": stacked_columns(columns, list(OUTCOME_KINDS)),
        "outcomes_total": sum(len(b) > 0 for b in batches.values()),
        "outcome_medians": [
            (province, {what: _median(values) for what, values in medians[province].items()})
            for province in ([ALL] if medians else []) + provinces
        ],
    }


def _median(values: list[float]) -> tuple[float, int]:
    """The median in seconds, and how many values it is of."""
    return statistics.median(values), len(values)
