"""Putting outbox work on the rq queue, now or later (the sweeper)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.queue import EnqueueData
from sqlalchemy.engine import Engine

from handlers import Intake, InterviewConfig
from storage import FieldCipher, OutboxItem, OutboxStatus, session_scope, utcnow
from storage.outbox import OutboxJob, due_outbox_items, mark_enqueued, pending_outbox_items
from triage.alerts.port import stored_alerts
from triage.assess import assess_report
from triage.escalation import escalate_report
from triage.jobs import follow_up
from triage.relay_jobs import match_decided, relay_to_tipster, tip_changed, tipster_replied

__all__ = [
    "QUEUE_NAME",
    "dispatch_report",
    "enqueue_once",
    "job_id",
    "queued_intake",
    "requeue_due",
]

log = logging.getLogger(__name__)
QUEUE_NAME = "homeward"
# Outbox job name → the rq job that does it (each takes the report id, then the subject id).
JOBS: dict[str, Callable[..., str]] = {
    OutboxJob.FOLLOW_UP: follow_up,
    OutboxJob.ASSESS: assess_report,
    OutboxJob.ESCALATE: escalate_report,
    OutboxJob.RELAY_TO_TIPSTER: relay_to_tipster,
    OutboxJob.TIPSTER_REPLIED: tipster_replied,
    OutboxJob.TIP_CHANGED: tip_changed,
    OutboxJob.MATCH_DECIDED: match_decided,
}
RETRY = Retry(max=5, interval=[10, 30, 120, 600, 1800])
RESULT_TTL, FAILURE_TTL = 86400, 30 * 86400  # a job's result is kept a day, a failure 30
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def job_id(item: OutboxItem) -> str:
    """A stable job id per outbox item, so re-enqueueing never makes a second job."""
    suffix = f"-{item.subject_id}" if item.subject_id else ""
    return f"{item.job.replace('_', '-')}-{item.report_id}{suffix}"


def enqueue_once(
    queue: Queue,
    job: Callable[..., str],
    *args: object,
    job_id: str,
    retry: Retry = RETRY,
    even_if_live: bool = False,
) -> bool:
    """Put a job on the queue under a stable id unless that job is waiting or running
    (`even_if_live`: whatever rq says); True if it was queued."""
    if not even_if_live:
        try:
            if _live(Job.fetch(job_id, connection=queue.connection)):
                return False
        except NoSuchJobError:
            pass
    queue.enqueue(
        job, *args, job_id=job_id, retry=retry, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL
    )
    return True


def _enqueue_all(engine: Engine, queue: Queue, items: list[OutboxItem]) -> int:
    """Put the items' jobs on the queue and note them enqueued; how many (0: Redis is away,
    they wait for the sweeper).

    One Redis round trip asks which of the never-queued items' jobs are waiting or running
    already (those are left), one pipeline queues the rest, one transaction notes them all.
    An item queued long ago and still not done had its job lost (a worker killed mid-job
    leaves it "started" forever): that one is queued again whatever rq says. Jobs are safe
    to run twice, so the worst case is a second run that finds the work done.
    """
    if not items:
        return 0
    ids = [job_id(item) for item in items]
    try:
        jobs = Job.fetch_many(
            [i for i, item in zip(ids, items, strict=True) if _fresh(item)], queue.connection
        )
        live = {job.id for job in jobs if job is not None and _live(job)}
        queue.enqueue_many(
            [_job_data(item, job) for item, job in zip(items, ids, strict=True) if job not in live]
        )
    except redis.RedisError:
        log.warning("queue unavailable; %d outbox items wait for the next sweep", len(items))
        return 0
    with session_scope(engine) as session:
        mark_enqueued(session=session, item_ids=[item.id or 0 for item in items])
    return len(items)


def _live(job: Job) -> bool:
    """Whether a job is waiting or running, as rq last saved it."""
    return job.get_status(refresh=False) in _LIVE


def _fresh(item: OutboxItem) -> bool:
    """Never queued: its job is queued unless waiting or running."""
    return item.status == OutboxStatus.PENDING


def _job_data(item: OutboxItem, job: str) -> EnqueueData:
    args = (item.report_id, item.subject_id) if item.subject_id else (item.report_id,)
    return Queue.prepare_data(
        JOBS[item.job],
        args,
        job_id=job,
        retry=RETRY,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
    )


def dispatch_report(engine: Engine, queue: Queue, report_id: int) -> int:
    """Queue a report's new outbox items; a Redis outage leaves them for the sweeper."""
    with session_scope(engine) as session:
        items = pending_outbox_items(session=session, report_id=report_id)
    return _enqueue_all(engine, queue, items)


def queued_intake(
    *, engine: Engine, cipher: FieldCipher, config: InterviewConfig, queue: Queue
) -> Intake:
    """The intake, queueing each report's new follow-up work once it is committed."""
    return Intake(
        engine=engine,
        cipher=cipher,
        config=config,
        after_submit=lambda report_id: _dispatch(engine, queue, report_id),
        alerts=stored_alerts(cipher),
    )


def _dispatch(engine: Engine, queue: Queue, report_id: int) -> None:
    dispatch_report(engine, queue, report_id)


def requeue_due(
    engine: Engine,
    queue: Queue,
    *,
    now: datetime | None = None,
    stale_after: timedelta = timedelta(minutes=10),
) -> int:
    """Queue every item never queued, or queued long ago and not done; returns how many."""
    now = now or utcnow()
    with session_scope(engine) as session:
        items = due_outbox_items(session=session, stale_before=now - stale_after)
    return _enqueue_all(engine, queue, items)
