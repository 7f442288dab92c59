"""Imminent tips nobody claims in time go to the leads: once per tip, recorded in its log.

The sweeper finds them (`escalate_overdue`) and records the escalation with an outbox item in
one transaction; the `escalate` job then tells the coordinators' group, as every other notice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage import Report, session_scope
from storage.outbox import OutboxJob, add_outbox_item, claim_outbox_item, mark_done
from storage.reports import append_event, mark_escalated, overdue_imminent
from triage import runtime

__all__ = ["escalate_overdue", "escalate_report"]

log = logging.getLogger(__name__)


def escalate_overdue(engine: Engine, *, now: datetime, after: timedelta) -> int:
    """Escalate every imminent tip unclaimed for `after` since it came in; returns how many."""
    escalated = 0
    with session_scope(engine) as session:
        for report in overdue_imminent(session=session, received_before=now - after, now=now):
            report_id = report.id or 0
            if not mark_escalated(session=session, report_id=report_id, now=now):
                continue  # another worker's sweeper got there first
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="escalated",
                detail={"unclaimed_minutes": int(after.total_seconds() // 60)},
            )
            add_outbox_item(session=session, report_id=report_id, job=OutboxJob.ESCALATE)
            escalated += 1
            log.warning("report %s is imminent and unclaimed: escalated to leads", report_id)
    return escalated


def escalate_report(report_id: int) -> str:
    """Tell the leads (the coordinators' group) that an imminent tip is still unclaimed."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(session=session, report_id=report_id, job=OutboxJob.ESCALATE)
        report = session.get(Report, report_id)
        if item is None or report is None:
            return "already done"
        rt.notifier.escalated(report_id, report.ref)
        mark_done(session=session, item=item)
    return "done"
