"""rq jobs: importable functions that take ids and are safe to run twice."""

from __future__ import annotations

import logging

from rq import Queue, Retry, get_current_job
from sqlmodel import Session

from storage import Report, session_scope
from storage.attachments import unstored_attachment_ids
from storage.outbox import OutboxJob, claim_outbox_item, mark_done
from storage.reports import append_event
from triage import runtime
from triage.media import fetch_attachment

__all__ = ["follow_up"]

log = logging.getLogger(__name__)
FETCH_RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])


def _queue_downloads(session: Session, report_id: int) -> int:
    """Queue a download of each attachment not stored yet, on the queue this job came from."""
    ids = unstored_attachment_ids(session=session, report_id=report_id)
    job = get_current_job()
    if not ids or job is None:
        return 0
    queue = Queue(job.origin, connection=job.connection)
    for attachment_id in ids:
        queue.enqueue(
            fetch_attachment,
            attachment_id,
            job_id=f"fetch-attachment-{attachment_id}",  # stable: queued twice, run once more
            retry=FETCH_RETRY,
            result_ttl=86400,
            failure_ttl=30 * 86400,
        )
    return len(ids)


def follow_up(report_id: int) -> str:
    """First follow-up of a new report: mark it queued for review and tell coordinators."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(session=session, report_id=report_id, job=OutboxJob.FOLLOW_UP)
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
        # Also inside it: a Redis failure here retries the job rather than losing the files.
        downloads = _queue_downloads(session, report_id)
        mark_done(session=session, item=item)
    log.info("report %s follow-up done (%d attachments queued)", report_id, downloads)
    return "done"
