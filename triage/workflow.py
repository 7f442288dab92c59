"""The coordinators' workflow on one tip: claim, status, notes, questions, referral.

Every action checks who may do it, refuses clearly (`WorkflowError`: a catalogue key saying
why, shown in each coordinator's language), and is recorded in the tip's append-only event
log. Interfaces (CLI, Telegram group, dashboard) only call these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from handlers.phrases import Phrase
from storage import (
    Coordinator,
    Note,
    Referral,
    RelayDirection,
    RelayMessage,
    Report,
    ReportStatus,
    is_lead_role,
)
from storage.claims import claim_holder_id
from storage.outbox import OutboxJob, add_outbox_item
from triage.actions import record_action
from triage.errors import Label, WorkflowError, labels
from triage.reach import why_not_askable
from triage.status_causes import CLAIMED, referred_to

__all__ = [
    "CLOSE_REASONS",
    "REFERRAL_KINDS",
    "TRANSITIONS",
    "CloseReason",
    "WorkflowError",
    "add_note",
    "ask_tipster",
    "change_status",
    "claim_tip",
    "close_tip",
    "is_lead",
    "reassign_tip",
    "record_action",
    "refer_tip",
    "release_tip",
]

S = ReportStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_REVIEW, S.CLOSED}),
    S.IN_REVIEW: frozenset({S.VERIFIED, S.REFERRED, S.CLOSED}),
    S.VERIFIED: frozenset({S.IN_REVIEW, S.REFERRED, S.CLOSED}),
    S.REFERRED: frozenset({S.VERIFIED, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_REVIEW}),  # reopening
}
REFERRAL_KINDS = ("police", "ngo", "dna_sampling")


class CloseReason(StrEnum):
    """Why a tip was closed."""

    RESOLVED = "resolved"
    UNFOUNDED = "unfounded"
    DUPLICATE = "duplicate"
    NO_ACTION_POSSIBLE = "no_action_possible"


CLOSE_REASONS = tuple(r.value for r in CloseReason)


def is_lead(coordinator: Coordinator) -> bool:
    """Leads and admins: they also reassign tips, overrule a claim and block tipsters."""
    return is_lead_role(coordinator.role)


def _require_claim(report: Report, coordinator: Coordinator, now: datetime) -> None:
    holder = claim_holder_id(report, now)
    if holder != coordinator.id and not (is_lead(coordinator) and holder is None):
        if holder is None:
            raise WorkflowError("workflow.claim_first", ref=report.ref)
        raise WorkflowError("workflow.claimed_by_other", ref=report.ref)


def claim_tip(
    *,
    session: Session,
    report: Report,
    coordinator: Coordinator,
    now: datetime,
    ttl: timedelta = timedelta(hours=4),
) -> None:
    """Take a tip so nobody else works it at the same time; a new tip goes into review."""
    # Lock the row and read it afresh: two coordinators claiming at once must not both win.
    session.refresh(report, with_for_update=True)
    holder = claim_holder_id(report, now)
    if holder is not None and holder != coordinator.id:
        raise WorkflowError("workflow.already_claimed", ref=report.ref)
    if report.status == S.CLOSED:
        raise WorkflowError("workflow.closed_reopen_first", ref=report.ref)
    report.claimed_by_id, report.claimed_until = coordinator.id, now + ttl
    record_action(session, report, coordinator, "claimed", until=report.claimed_until.isoformat())
    if report.status == S.NEW:
        _set_status(session, report, coordinator, S.IN_REVIEW, reason=CLAIMED)


def release_tip(
    *, session: Session, report: Report, coordinator: Coordinator, now: datetime
) -> None:
    """Give a claimed tip back to the queue."""
    _require_claim(report, coordinator, now)
    report.claimed_by_id = report.claimed_until = None
    record_action(session, report, coordinator, "released")


def reassign_tip(
    *,
    session: Session,
    report: Report,
    lead: Coordinator,
    to: Coordinator,
    now: datetime,
    ttl: timedelta = timedelta(hours=4),
) -> None:
    """A lead hands a tip to another coordinator."""
    if not is_lead(lead):
        raise WorkflowError("workflow.lead_only_reassign")
    report.claimed_by_id, report.claimed_until = to.id, now + ttl
    record_action(session, report, lead, "reassigned", to=to.name)


def _set_status(
    session: Session,
    report: Report,
    coordinator: Coordinator,
    to: str,
    reason: str | Phrase | None = None,
    close_reason: str | None = None,
) -> None:
    before = report.status
    if to not in TRANSITIONS[before]:
        raise WorkflowError(
            "workflow.transition_not_allowed",
            ref=report.ref,
            before=Label("status", before),
            to=Label("status", to),
        )
    if to == S.CLOSED:
        if close_reason not in CLOSE_REASONS:
            raise WorkflowError(
                "workflow.close_reason_needed", reasons=labels("close", CLOSE_REASONS)
            )
        report.close_reason = close_reason
        report.claimed_by_id = report.claimed_until = None
    elif before == S.CLOSED:
        report.close_reason = None
    report.status = to
    record_action(
        session,
        report,
        coordinator,
        "status_changed",
        **{"from": before, "to": to},
        reason=reason,
        close_reason=close_reason,
    )


def change_status(
    *,
    session: Session,
    report: Report,
    coordinator: Coordinator,
    to: str,
    now: datetime,
    reason: str | None = None,
    close_reason: str | None = None,
) -> None:
    """Move a tip along the workflow (verify, close with a reason, reopen)."""
    if to not in TRANSITIONS:
        raise WorkflowError(
            "workflow.unknown_status", status=to, statuses=labels("status", TRANSITIONS)
        )
    if report.status == S.CLOSED and to == S.IN_REVIEW:
        report.claimed_by_id, report.claimed_until = coordinator.id, now + timedelta(hours=4)
    else:
        _require_claim(report, coordinator, now)
    _set_status(session, report, coordinator, to, reason=reason, close_reason=close_reason)


def close_tip(
    *, session: Session, report: Report, coordinator: Coordinator, close_reason: str, why: Phrase
) -> bool:
    """Close a tip for a reason the workflow knows (an outcome), claim or not; False if closed."""
    if report.status == S.CLOSED:
        return False
    _set_status(session, report, coordinator, S.CLOSED, reason=why, close_reason=close_reason)
    return True


def add_note(*, session: Session, report: Report, coordinator: Coordinator, body: str) -> Note:
    """An internal note; the tipster never sees it."""
    if not body.strip():
        raise WorkflowError("workflow.note_empty")
    note = Note(report_id=report.id or 0, coordinator_id=coordinator.id, body=body.strip())
    session.add(note)
    session.flush()
    record_action(session, report, coordinator, "note_added", note_id=note.id)
    return note


def ask_tipster(
    *, session: Session, report: Report, coordinator: Coordinator, question: str, now: datetime
) -> RelayMessage:
    """Queue a question to the tipster through their own channel, without names either way."""
    unreachable = why_not_askable(report)  # first: claiming would not help
    if unreachable is not None:
        raise unreachable
    _require_claim(report, coordinator, now)
    if not question.strip():
        raise WorkflowError("workflow.question_empty")
    message = RelayMessage(
        report_id=report.id or 0,
        direction=RelayDirection.TO_TIPSTER,
        coordinator_id=coordinator.id,
        body=question.strip(),
    )
    session.add(message)
    session.flush()
    add_outbox_item(
        session=session,
        report_id=report.id or 0,
        job=OutboxJob.RELAY_TO_TIPSTER,
        subject_id=message.id or 0,
    )
    record_action(session, report, coordinator, "asked_tipster", relay_id=message.id)
    return message


def refer_tip(
    *,
    session: Session,
    report: Report,
    coordinator: Coordinator,
    kind: str,
    to_whom: str,
    reference: str | None,
    now: datetime,
) -> Referral:
    """Record that a tip went to the police, a partner NGO or a DNA-sampling referral."""
    if kind not in REFERRAL_KINDS:
        raise WorkflowError(
            "workflow.referral_kind_unknown", kinds=labels("referral", REFERRAL_KINDS)
        )
    if not to_whom.strip():
        raise WorkflowError("workflow.referral_to_whom_needed")
    _require_claim(report, coordinator, now)
    if report.status != S.REFERRED:
        _set_status(session, report, coordinator, S.REFERRED, reason=referred_to(kind))
    referral = Referral(
        report_id=report.id or 0,
        coordinator_id=coordinator.id,
        kind=kind,
        to_whom=to_whom.strip(),
        reference=reference,
    )
    session.add(referral)
    session.flush()
    record_action(
        session,
        report,
        coordinator,
        "referred",
        referral_id=referral.id,
        kind=kind,
        to_whom=referral.to_whom,
        reference=reference,
    )
    return referral
