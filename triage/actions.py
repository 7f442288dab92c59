"""Recording a coordinator's action on a tip: the event log, and every view shown anew."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage import Coordinator, Report
from storage.outbox import OutboxJob, add_outbox_item
from storage.reports import append_event

__all__ = ["record_action"]


def record_action(
    session: Session, report: Report, coordinator: Coordinator, action: str, **detail: object
) -> None:
    """Log a coordinator's action on the tip, and have every interface show the tip anew."""
    report.updated_at = datetime.now(report.created_at.tzinfo)
    session.add(report)
    event = append_event(
        session=session,
        report_id=report.id or 0,
        actor=coordinator.name,
        action=action,
        detail=dict(detail),
    )
    session.flush()
    # Every interface then shows the tip as it is now (the Telegram card is edited in place).
    add_outbox_item(
        session=session,
        report_id=report.id or 0,
        job=OutboxJob.TIP_CHANGED,
        subject_id=event.id or 0,
    )
