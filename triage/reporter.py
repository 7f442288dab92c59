"""The trusted-reporter signal: what became of a tipster's earlier tips.

Found by the blind index of the tipster's chat (`Report.tipster_key`), never by who they are.
Coordinators see it on the tip page and in `tips show`; it is one small, stated input to
urgency (`triage.urgency.REPORTER_RULES`). Tipsters never see it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session

from storage import OutcomeKind, Report, ReportStatus
from storage.outcomes import earlier_tips_of, latest_outcomes

__all__ = ["FALSE_OUTCOMES", "VERIFIED_OUTCOMES", "ReporterHistory", "reporter_history"]

VERIFIED_STATUSES = (ReportStatus.VERIFIED, ReportStatus.REFERRED)
VERIFIED_OUTCOMES = (OutcomeKind.FOUND, OutcomeKind.REUNITED)
FALSE_OUTCOMES = (OutcomeKind.NOT_THE_CHILD,)
FALSE_CLOSE_REASON = "unfounded"


@dataclass(frozen=True)
class ReporterHistory:
    """How many tips the same tipster sent before, and how many were verified or found false."""

    earlier: int = 0
    verified: int = 0
    false: int = 0

    def as_json(self) -> dict[str, int]:
        """The counts, for `tips show --json`."""
        return asdict(self)


def _verdict(report: Report, outcome: str | None) -> str | None:
    """'verified', 'false' or None (still open, or nothing either way) for one earlier tip."""
    if outcome in VERIFIED_OUTCOMES:
        return "verified"
    if outcome in FALSE_OUTCOMES:
        return "false"
    if report.status in VERIFIED_STATUSES:
        return "verified"
    if report.status == ReportStatus.CLOSED and report.close_reason == FALSE_CLOSE_REASON:
        return "false"
    return None


def reporter_history(*, session: Session, report: Report) -> ReporterHistory | None:
    """The tipster's earlier tips, counted; None for a tip with no chat to know them by."""
    if not report.tipster_key or report.id is None:
        return None
    earlier = earlier_tips_of(
        session=session,
        tipster_key=report.tipster_key,
        before=report.created_at,
        report_id=report.id,
    )
    outcomes = latest_outcomes(session=session, report_ids=[r.id or 0 for r in earlier])
    verdicts = [_verdict(r, o.kind if (o := outcomes.get(r.id or 0)) else None) for r in earlier]
    return ReporterHistory(len(earlier), verdicts.count("verified"), verdicts.count("false"))
