"""The sweeper: re-queues lost follow-up work and purges what we promised not to keep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from rq import Queue
from sqlalchemy.engine import Engine

from storage import FieldCipher, session_scope, utcnow
from storage.conversations import purge_expired_drafts, purge_old_deliveries, redact_receipts
from storage.locations import seal_exact_locations
from storage.pin_throttle import forget_old_tries
from storage.relay import FAILURE_WINDOW
from storage.retention import purge_attachments, purge_closed_reports
from triage.escalation import escalate_overdue
from triage.media import seal_stored_files
from triage.queue import requeue_due

__all__ = ["RECEIPT_PIN_MEMORY", "Retention", "SweepResult", "sweep"]

log = logging.getLogger(__name__)
DELIVERY_MEMORY = timedelta(days=7)
# A receipt's PIN is kept (encrypted) only for re-deliveries of the submit message: an hour
# covers the last of WeChat's late-reply retries (~43 min), which resend the receipt.
RECEIPT_PIN_MEMORY = timedelta(minutes=60)


@dataclass(frozen=True)
class Retention:
    """How long things are kept."""

    closed_reports: timedelta = timedelta(days=365)
    attachments: timedelta = timedelta(days=90)  # stored files of closed tips
    receipt_pins: timedelta = RECEIPT_PIN_MEMORY  # a receipt's PIN, kept for re-deliveries


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    requeued: int
    drafts_purged: int
    deliveries_purged: int
    reports_purged: int = 0
    attachments_purged: int = 0
    receipts_redacted: int = 0
    locations_sealed: int = 0
    files_sealed: int = 0
    escalated: int = 0


def sweep(
    engine: Engine,
    queue: Queue,
    *,
    draft_ttl: timedelta,
    now: datetime | None = None,
    retention: Retention | None = None,
    cipher: FieldCipher | None = None,
    escalate_after: timedelta = timedelta(minutes=15),
) -> SweepResult:
    """Run every periodic chore once (sealing locations and files kept in the clear needs
    the cipher)."""
    now = now or utcnow()
    retention = retention or Retention()
    escalated = escalate_overdue(engine, now=now, after=escalate_after)
    requeued = requeue_due(engine, queue, now=now)  # the escalations' notices too
    with session_scope(engine) as session:
        drafts = purge_expired_drafts(session=session, untouched_since=now - draft_ttl)
        receipts = redact_receipts(session=session, before=now - retention.receipt_pins)
        sealed = seal_exact_locations(session=session, cipher=cipher) if cipher else 0
        deliveries = purge_old_deliveries(session=session, before=now - DELIVERY_MEMORY)
        forget_old_tries(session=session, window=FAILURE_WINDOW, now=now)  # PIN counts
        files = purge_attachments(session=session, stored_before=now - retention.attachments)
        reports = purge_closed_reports(
            session=session, closed_before=now - retention.closed_reports
        )
    files_sealed = seal_stored_files(engine, cipher) if cipher else 0
    result = SweepResult(
        requeued,
        drafts,
        deliveries,
        len(reports),
        files,
        receipts,
        sealed,
        files_sealed,
        escalated,
    )
    if any(
        (requeued, drafts, deliveries, reports, files, receipts, sealed, files_sealed, escalated)
    ):
        log.info("sweep: %s", result)
    return result
