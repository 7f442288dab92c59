"""Coordinators' verdicts on what the matcher proposes: registry matches and same-child links."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import Coordinator, MatchCandidate, MatchStatus, RegistryEntry, Report, SameChildLink
from storage.reports import append_event
from triage.errors import WorkflowError

__all__ = ["decide_link", "decide_match"]


def decide_match(
    *, session: Session, report: Report, case_id: str, coordinator: Coordinator, confirm: bool
) -> MatchCandidate:
    """Confirm or dismiss a proposed registry match of a tip (a confirmed one can be referred)."""
    row = session.exec(
        select(MatchCandidate, RegistryEntry).where(
            MatchCandidate.report_id == report.id,
            MatchCandidate.entry_id == RegistryEntry.id,
            RegistryEntry.case_id == case_id,
        )
    ).first()
    if row is None:
        raise WorkflowError("workflow.not_a_proposed_match", case_id=case_id, ref=report.ref)
    candidate, entry = row
    candidate.status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
    candidate.decided_by = coordinator.name
    session.add(candidate)
    if confirm:
        entry.verified = True  # a confirmed match is also a verified registry entry
        session.add(entry)
    append_event(
        session=session,
        report_id=report.id or 0,
        actor=coordinator.name,
        action=f"match_{candidate.status}",
        detail={"case_id": case_id, "score": candidate.score},
    )
    return candidate


def decide_link(
    *, session: Session, report: Report, other: Report, coordinator: Coordinator, confirm: bool
) -> SameChildLink:
    """Confirm that two tips are about the same child (each tipster keeps their own relay)."""
    low, high = sorted((report.id or 0, other.id or 0))
    link = session.exec(
        select(SameChildLink).where(
            SameChildLink.report_id == low, SameChildLink.other_report_id == high
        )
    ).first()
    if link is None:
        raise WorkflowError("workflow.not_proposed_same_child", ref=report.ref, other=other.ref)
    link.status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
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
    return link
