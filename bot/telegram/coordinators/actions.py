"""What each coordinator button or command does, as calls into triage.workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from storage import Coordinator, Report, ReportStatus
from triage import workflow

__all__ = ["TEXT_LIMITS", "Action", "action_for"]

Action = Callable[[Session, Report, Coordinator], object]
# The longest text each action keeps (the dashboard's limits).
TEXT_LIMITS = {"ask": 1000, "note": 5000, "refer": 300}


def _status(to: str, now: datetime, **why: str | None) -> Action:
    return lambda s, r, c: workflow.change_status(
        session=s, report=r, coordinator=c, to=to, now=now, **why
    )


def _refer(kind: str, text: str, now: datetime) -> Action:
    # "To whom" on the first line, their reference number (if any) on the next.
    to_whom, _, reference = text.strip().partition("\n")
    return lambda s, r, c: workflow.refer_tip(
        session=s,
        report=r,
        coordinator=c,
        kind=kind,
        to_whom=to_whom[:200],
        reference=reference.strip()[:100] or None,
        now=now,
    )


def action_for(verb: str, argument: str, text: str, now: datetime) -> Action | None:
    """The workflow call behind a verb (claim, verify, reopen, close, refer, ask, note)."""
    text = text[: TEXT_LIMITS.get(verb, 0)]
    if verb == "claim":
        return lambda s, r, c: workflow.claim_tip(session=s, report=r, coordinator=c, now=now)
    if verb == "verify":
        return _status(ReportStatus.VERIFIED, now)
    if verb == "reopen":
        return _status(ReportStatus.IN_REVIEW, now, reason="reopened")
    if verb == "close" and argument:
        return _status(ReportStatus.CLOSED, now, close_reason=argument)
    if verb == "refer" and argument:
        return _refer(argument, text, now)
    if verb == "ask":
        return lambda s, r, c: workflow.ask_tipster(
            session=s, report=r, coordinator=c, question=text, now=now
        )
    if verb == "note":
        return lambda s, r, c: workflow.add_note(session=s, report=r, coordinator=c, body=text)
    return None
