"""The sweeper: re-queues lost follow-up work and purges what we promised not to keep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from rq import Queue
from sqlalchemy.engine import Engine

from storage import session_scope, utcnow
from storage.conversations import purge_expired_drafts, purge_old_deliveries
from storage.retention import purge_attachments, purge_closed_reports
from triage.escalation import escalate_overdue
from triage.queue import requeue_due

__all__ = ["Retention", "SweepResult", "sweep"]

log = logging.getLogger(__name__)
DELIVERY_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class Retention:
    """How long things are kept."""

    closed_reports: timedelta = timedelta(days=365)
    attachments: timedelta = timedelta(days=90)  # stored files of closed tips


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    requeued: int
    drafts_purged: int
    deliveries_purged: int
    reports_purged: int = 0
    attachments_purged: int = 0
    escalated: int = 0


def sweep(
    engine: Engine,
    queue: Queue,
    *,
    draft_ttl: timedelta,
    now: datetime | None = None,
    retention: Retention | None = None,
    escalate_after: timedelta = timedelta(minutes=15),
) -> SweepResult:
    """Run every periodic chore once."""
    now = now or utcnow()
    retention = retention or Retention()
    escalated = escalate_overdue(engine, now=now, after=escalate_after)
    requeued = requeue_due(engine, queue, now=now)  # the escalations' notices too
    with session_scope(engine) as session:
        drafts = purge_expired_drafts(session=session, untouched_since=now - draft_ttl)
        deliveries = purge_old_deliveries(session=session, before=now - DELIVERY_MEMORY)
        files = purge_attachments(session=session, stored_before=now - retention.attachments)
        reports = purge_closed_reports(
            session=session, closed_before=now - retention.closed_reports
        )
    result = SweepResult(requeued, drafts, deliveries, len(reports), files, escalated)
    if any((requeued, drafts, deliveries, reports, files, escalated)):
        log.info("sweep: %s", result)
    return result
