"""The sweeper: re-queues lost follow-up work and purges what we promised not to keep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from rq import Queue
from sqlalchemy.engine import Engine

from storage import session_scope, utcnow
from storage.conversations import purge_expired_drafts, purge_old_deliveries
from triage.queue import requeue_due

__all__ = ["SweepResult", "sweep"]

log = logging.getLogger(__name__)
DELIVERY_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    requeued: int
    drafts_purged: int
    deliveries_purged: int


def sweep(
    engine: Engine, queue: Queue, *, draft_ttl: timedelta, now: datetime | None = None
) -> SweepResult:
    """Run every periodic chore once."""
    now = now or utcnow()
    requeued = requeue_due(engine, queue, now=now)
    with session_scope(engine) as session:
        drafts = purge_expired_drafts(session=session, untouched_since=now - draft_ttl)
        deliveries = purge_old_deliveries(session=session, before=now - DELIVERY_MEMORY)
    result = SweepResult(requeued, drafts, deliveries)
    if requeued or drafts or deliveries:
        log.info("sweep: %s", result)
    return result
