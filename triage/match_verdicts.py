"""How each of a tip's registry matches stands: its own verdict, else its case's, who and when.

A child is one child across the tips confirmed as the same child: once a coordinator has
decided that a registry entry is (or is not) that child on one tip, the same entry proposed
for another tip of the case reads as decided through the case and is not asked again. A tip's
own verdict always stands; across the case a confirmation wins over a dismissal (the entry
was found to be the child), and the latest verdict of a kind is the one shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from storage import MatchCandidate, MatchStatus, Report, ReportEvent
from storage.registry_reads import candidates_by_report
from storage.reports import list_events
from storage.review_reads import confirmed_group

__all__ = ["Verdict", "match_verdicts"]

_VERDICTS = ("match_confirmed", "match_dismissed")


@dataclass(frozen=True)
class Verdict:
    """A decided match: confirmed or dismissed, by whom, when; `ref` of the case's tip it
    was decided on when not this tip's own."""

    status: str
    by: str | None
    at: datetime | None
    ref: str | None = None
    event_id: int | None = None  # the verdict's event (on the tip it was given on)


def _decided_at(session: Session, report_id: int) -> dict[str, ReportEvent]:
    """The latest verdict event of each registry case's match of a tip."""
    return {
        str(e.detail.get("case_id")): e
        for e in list_events(session=session, report_id=report_id)
        if e.action in _VERDICTS
    }


def match_verdicts(
    *, session: Session, report: Report, case_ids: dict[int, str]
) -> dict[int, Verdict]:
    """Entry id → the verdict each of the tip's matches reads as (`case_ids`: entry id → case
    id of its matches); undecided matches, also through the case, are left out."""
    tips = {t.id or 0: t.ref for t in confirmed_group(session=session, report_id=report.id or 0)}
    found = candidates_by_report(session=session, report_ids=list(tips))
    times = {tip: _decided_at(session, tip) for tip in tips if found.get(tip)}
    verdicts: dict[int, Verdict] = {}
    for entry_id, case_id in case_ids.items():
        own, others = None, []
        for tip, candidates in found.items():
            for candidate in candidates:
                if candidate.entry_id != entry_id or candidate.status == MatchStatus.PROPOSED:
                    continue
                if tip == report.id:
                    own = candidate
                else:
                    others.append(candidate)
        chosen = own or _case_verdict(others, times, case_id)
        if chosen is not None:
            event = times.get(chosen.report_id, {}).get(case_id)
            ref = None if chosen is own else tips[chosen.report_id]
            at, event_id = (event.at, event.id) if event is not None else (None, None)
            verdicts[entry_id] = Verdict(chosen.status, chosen.decided_by, at, ref, event_id)
    return verdicts


def _case_verdict(
    others: list[MatchCandidate], times: dict[int, dict[str, ReportEvent]], case_id: str
) -> MatchCandidate | None:
    """The case's verdict on an entry: a confirmation before a dismissal, the latest first."""

    def rank(candidate: MatchCandidate) -> tuple[bool, datetime]:
        event = times.get(candidate.report_id, {}).get(case_id)
        return candidate.status == MatchStatus.CONFIRMED, (
            event.at if event is not None else datetime.min.replace(tzinfo=UTC)
        )

    return max(others, key=rank, default=None)
