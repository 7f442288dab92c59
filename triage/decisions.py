"""Coordinators' verdicts on what the matcher proposes: registry matches and same-child links."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage import Coordinator, MatchCandidate, MatchStatus, Report, SameChildLink
from storage.claims import claim_holder_id
from storage.outbox import OutboxJob, add_outbox_item
from storage.registry_reads import candidate_for_case
from storage.reports import append_event
from storage.same_child import get_link
from triage.case_notices import tell_case_notices
from triage.errors import WorkflowError
from triage.workflow import is_lead

__all__ = ["decide_link", "decide_match"]


def _may_decide(
    session: Session, coordinator: Coordinator, now: datetime, *reports: Report
) -> list[tuple[Report, str]]:
    """Refuse a verdict on a tip someone else holds, unless a lead overrules their claim.

    The overruled claims (tip, holder's name), for the event log.
    """
    overruled = []
    for report in reports:
        holder = claim_holder_id(report, now)
        if holder is None or holder == coordinator.id:
            continue
        if not is_lead(coordinator):
            raise WorkflowError("workflow.claimed_by_other", ref=report.ref)
        other = session.get(Coordinator, holder)
        overruled.append((report, other.name if other is not None else str(holder)))
    return overruled


def _record_overrides(
    session: Session, coordinator: Coordinator, overruled: list[tuple[Report, str]], verdict: str
) -> None:
    for report, holder in overruled:
        append_event(
            session=session,
            report_id=report.id or 0,
            actor=coordinator.name,
            action="claim_overruled",
            detail={"claimed_by": holder, "for": verdict},
        )


def decide_match(
    *,
    session: Session,
    report: Report,
    case_id: str,
    coordinator: Coordinator,
    confirm: bool,
    now: datetime,
) -> MatchCandidate:
    """Confirm or dismiss a proposed registry match of a tip (a confirmed one can be referred).

    On a tip another coordinator holds, only a lead may decide, and that is recorded.
    """
    overruled = _may_decide(session, coordinator, now, report)
    row = candidate_for_case(session=session, report_id=report.id or 0, case_id=case_id)
    if row is None:
        raise WorkflowError("workflow.not_a_proposed_match", case_id=case_id, ref=report.ref)
    candidate, entry = row
    candidate.status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
    _record_overrides(session, coordinator, overruled, f"match_{candidate.status}")
    candidate.decided_by = coordinator.name
    session.add(candidate)
    if confirm:
        entry.verified = True  # a confirmed match is also a verified registry entry
        session.add(entry)
    event = append_event(
        session=session,
        report_id=report.id or 0,
        actor=coordinator.name,
        action=f"match_{candidate.status}",
        detail={"case_id": case_id, "score": candidate.score},
    )
    session.flush()
    # The group's notice of this match then says the verdict (from the group, dashboard or CLI).
    add_outbox_item(
        session=session,
        report_id=report.id or 0,
        job=OutboxJob.MATCH_DECIDED,
        subject_id=event.id or 0,
    )
    tell_case_notices(session, report)  # the case's other tips' notices of this entry too
    return candidate


def decide_link(
    *,
    session: Session,
    report: Report,
    other: Report,
    coordinator: Coordinator,
    confirm: bool,
    now: datetime,
) -> SameChildLink:
    """Confirm that two tips are about the same child (each tipster keeps their own relay).

    Either tip held by another coordinator: only a lead may decide, and that is recorded.
    """
    overruled = _may_decide(session, coordinator, now, report, other)
    link = get_link(session=session, report_id=report.id or 0, other_report_id=other.id or 0)
    if link is None:
        raise WorkflowError("workflow.not_proposed_same_child", ref=report.ref, other=other.ref)
    link.status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
    _record_overrides(session, coordinator, overruled, f"same_child_{link.status}")
    link.decided_by = coordinator.name
    session.add(link)
    for mine, theirs in ((report, other), (other, report)):
        append_event(
            session=session,
            report_id=mine.id or 0,
            actor=coordinator.name,
            action=f"same_child_{link.status}",
            detail={"other": theirs.ref},
        )
    if confirm:
        tell_case_notices(session, report)  # the entries either tip had decided now hold for both
    return link
