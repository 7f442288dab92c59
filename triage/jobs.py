"""rq jobs: importable functions that take ids and are safe to run twice."""

from __future__ import annotations

import logging

from storage import OutboxStatus, Report, session_scope, utcnow
from storage.outbox import claim_outbox_item
from storage.reports import FOLLOW_UP, append_event
from triage import runtime

__all__ = ["follow_up"]

log = logging.getLogger(__name__)


def follow_up(report_id: int) -> str:
    """First follow-up of a new report: mark it queued for review and tell coordinators."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(session=session, report_id=report_id, job=FOLLOW_UP)
        if item is None:
            log.info("report %s follow-up already done", report_id)
            return "already done"
        report = session.get(Report, report_id)
        if report is None:
            return "report gone"
        append_event(
            session=session, report_id=report_id, actor="system", action="queued_for_review"
        )
        # Notify inside the transaction: if it fails the job is retried and nothing is
        # marked done; coordinators may hear twice, never zero times.
        rt.notifier.report_queued(report_id, report.ref)
        item.status = OutboxStatus.DONE
        item.done_at = utcnow()
        session.add(item)
    log.info("report %s follow-up done", report_id)
    return "done"
