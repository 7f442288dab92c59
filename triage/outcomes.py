"""Recording what came of a tip, or of every tip of a case at once, with the day and who."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from sqlmodel import Session

from handlers.times import stamp
from storage import Coordinator, Outcome, OutcomeKind, Report
from storage.outcomes import add_outcomes, latest_outcomes, list_outcomes
from triage.actions import record_action
from triage.errors import WorkflowError
from triage.registry_status import follow_outcome
from triage.reporter import ReporterHistory, reporter_history
from triage.status_causes import on_outcome
from triage.workflow import CloseReason, close_tip

__all__ = [
    "CLOSES",
    "OUTCOME_KINDS",
    "CaseOutcome",
    "TipOutcome",
    "case_outcome",
    "outcome_json",
    "record_outcome",
    "tip_outcome",
]

OUTCOME_KINDS = tuple(k.value for k in OutcomeKind)
MAX_NOTE = 1000
# An outcome that ends the search closes the tip, for the close reason it amounts to; "found"
# leaves it open, for the coordinators working toward the reunion.
CLOSES = {
    OutcomeKind.REUNITED: CloseReason.RESOLVED,
    OutcomeKind.NOT_THE_CHILD: CloseReason.UNFOUNDED,
    OutcomeKind.NO_TRACE: CloseReason.NO_ACTION_POSSIBLE,
}


def record_outcome(
    *,
    session: Session,
    report_ids: Sequence[int],
    coordinator: Coordinator,
    kind: str,
    happened_on: date,
    today: date,
    note: str | None = None,
) -> list[Outcome]:
    """Store an outcome for each tip (one, or a case's), log it; a confirmed registry case
    follows, and an outcome that ends the search closes each open tip (logged, by who)."""
    if kind not in OUTCOME_KINDS:
        raise WorkflowError("workflow.outcome_kind_unknown")
    if happened_on > today:
        raise WorkflowError("workflow.outcome_day_to_come", day=happened_on.isoformat())
    reports = [r for r in (session.get(Report, rid) for rid in dict.fromkeys(report_ids)) if r]
    if not reports:
        raise WorkflowError("workflow.outcome_no_tips")
    rows = add_outcomes(
        session=session,
        report_ids=[r.id or 0 for r in reports],
        kind=kind,
        happened_on=happened_on,
        coordinator_id=coordinator.id,
        recorded_by=coordinator.name,
        note=(note or "").strip()[:MAX_NOTE] or None,
        batch=uuid.uuid4().hex,
    )
    together = [r.ref for r in reports] if len(reports) > 1 else None
    for report in reports:
        record_action(
            session,
            report,
            coordinator,
            "outcome_recorded",
            outcome=kind,
            on=happened_on.isoformat(),
            case=together,
        )
        if kind in CLOSES:
            close_tip(
                session=session,
                report=report,
                coordinator=coordinator,
                close_reason=CLOSES[OutcomeKind(kind)].value,
                why=on_outcome(kind),
            )
    follow_outcome(session=session, reports=reports, kind=kind, actor=coordinator.name)
    return rows


@dataclass(frozen=True)
class TipOutcome:
    """What a coordinator reads about a tip's outcome and its tipster's earlier tips."""

    outcomes: list[Outcome]  # latest first: the first is the tip's outcome now
    reporter: ReporterHistory | None  # None: no chat to know the tipster by


def tip_outcome(*, session: Session, report: Report) -> TipOutcome:
    """A tip's outcomes and the trusted-reporter signal (coordinators only)."""
    return TipOutcome(
        list_outcomes(session=session, report_id=report.id or 0),
        reporter_history(session=session, report=report),
    )


@dataclass(frozen=True)
class CaseOutcome:
    """A case's outcome: the latest any of its tips has, and each tip's own."""

    latest: Outcome | None
    by_tip: dict[int, Outcome]  # report id → that tip's outcome now


def case_outcome(*, session: Session, reports: Sequence[Report]) -> CaseOutcome:
    """What came of a case: the latest outcome of its tips (by the day, then as recorded)."""
    by_tip = latest_outcomes(session=session, report_ids=[r.id or 0 for r in reports])
    latest = max(by_tip.values(), key=lambda o: (o.happened_on, o.id or 0), default=None)
    return CaseOutcome(latest, by_tip)


def outcome_json(found: TipOutcome, tz: tzinfo) -> dict[str, Any]:
    """The same for `tips show --json`: outcomes latest first, and the reporter's counts."""
    return {
        "outcomes": [
            {
                "outcome": o.kind,
                "on": o.happened_on.isoformat(),
                "by": o.recorded_by,
                "note": o.note,
                "recorded_at": stamp(o.recorded_at, tz),
            }
            for o in found.outcomes
        ],
        "reporter": found.reporter.as_json() if found.reporter else None,
    }
