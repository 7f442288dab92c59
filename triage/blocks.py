"""Blocking a tipster who floods the line with false reports or abuse, and lifting the block.

A lead blocks the chat a tip came from, by the blind index stored with the tip: nobody sees
who the tipster is. Their later messages get a neutral answer and are kept, marked, on that
tip (coordinators are not notified). Blocking and lifting are recorded, with who, why and
when, in the event log of the tip they were done from.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage import Coordinator, Report
from storage.blocks import add_block, lift_block
from triage.actions import record_action
from triage.errors import WorkflowError
from triage.workflow import is_lead

__all__ = ["block_tipster", "unblock_tipster"]


def _tipster_of(report: Report, coordinator: Coordinator) -> str:
    if not is_lead(coordinator):
        raise WorkflowError("workflow.lead_only_block")
    if not report.tipster_key:  # taken by the hotline, or the tipster's data was deleted
        raise WorkflowError("workflow.block_no_tipster", ref=report.ref)
    return report.tipster_key


def block_tipster(
    *, session: Session, report: Report, coordinator: Coordinator, reason: str, now: datetime
) -> None:
    """Block the tip's tipster (a lead, with a reason); recorded on this tip."""
    tipster = _tipster_of(report, coordinator)
    reason = reason.strip()
    if not reason:
        raise WorkflowError("workflow.block_reason_needed")
    block = add_block(
        session=session,
        tipster_key=tipster,
        report_id=report.id or 0,
        coordinator_id=coordinator.id,
        reason=reason,
        now=now,
    )
    if block is None:
        raise WorkflowError("workflow.already_blocked", ref=report.ref)
    record_action(session, report, coordinator, "tipster_blocked", reason=reason)


def unblock_tipster(
    *, session: Session, report: Report, coordinator: Coordinator, now: datetime, reason: str = ""
) -> None:
    """Lift the block on the tip's tipster (a lead); recorded on this tip."""
    tipster = _tipster_of(report, coordinator)
    lifted = lift_block(
        session=session, tipster_key=tipster, coordinator_id=coordinator.id, now=now
    )
    if lifted is None:
        raise WorkflowError("workflow.not_blocked", ref=report.ref)
    detail = {"reason": reason.strip()} if reason.strip() else {}
    record_action(session, report, coordinator, "tipster_unblocked", block_id=lifted, **detail)
