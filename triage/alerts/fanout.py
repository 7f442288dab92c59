"""The fan-out job: an alert's messages sent from their outbox rows, nearest first, each once.

Each row is claimed (pending → sending, one conditional UPDATE, committed), handed to the
platform at once, then marked (sent, blocked, unreachable), committed again (sending.py).
So a row is never sent by two workers, and a worker killed anywhere leaves every row it had
not claimed pending, to be sent by the next run. The pace is waited for and the message
worded before the claim, so a worker holds at most one claimed row, and only while the
platform takes it.

That row is the one edge. Neither Telegram nor WeChat lets us ask whether a message arrived,
nor send with an idempotency key; a worker killed with a row claimed had, but for the
microseconds between the claim's commit and the request leaving, already handed the message
over. Sending it again would show most such subscribers the alert twice; not sending it
loses it only if the kill fell within those microseconds. So a row left "sending" longer than
the lease (LEASE) is settled as "uncertain" by the sweeper (resume_fanouts) and never sent
again: exactly once from the subscriber's view, as far as the platforms allow. A send that
failed with an error we saw (network down, Telegram 5xx) is put back and tried again; if its
photo had gone before its text failed, only the text (sending.py). A row put back after its
alert closed is withdrawn, not sent: closing told everyone the alert reached, or showed the
photo to, that it is over.

Jobs run on their own queue (ALERT_QUEUE), which the worker takes after the report queue,
and each job sends for at most SLICE_SECONDS before queuing its own continuation: a 100,000-
subscriber fan-out never holds a follow-up, an escalation or a relay for more than a slice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from rq import Queue, Retry
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import Alert, DeliveryKind, session_scope, utcnow
from storage.alerts import (
    next_deliveries,
    settle_lost_sends,
    unfinished_fanouts,
    withdraw_unsent,
)
from triage import runtime
from triage.alerts.delivery import AlertDeliveryConfig
from triage.alerts.pacing import Pacer
from triage.alerts.sending import Texts, readers, send_row

__all__ = [
    "ALERT_QUEUE",
    "LEASE",
    "AlertDeliveryConfig",
    "configure_alert_delivery",
    "enqueue_fanout",
    "fan_out",
    "resume_fanouts",
]

log = logging.getLogger(__name__)
ALERT_QUEUE = "homeward-alerts"
LEASE = timedelta(minutes=5)  # longer than any one send (BotApi waits out 3 × 30 s at most)
_BATCH = 50
_ACTIVE = "homeward:alerts:active:{alert_id}:{kind}"  # when a job last took a batch
_ACTIVE_STALE = timedelta(minutes=1)  # a job silent this long is gone (a batch takes seconds)


_config: AlertDeliveryConfig | None = None


def configure_alert_delivery(config: AlertDeliveryConfig) -> None:
    """Set the fan-out's senders and settings in this process."""
    global _config
    _config = config


def _current() -> AlertDeliveryConfig:
    if _config is None:
        raise RuntimeError("alert delivery not configured: start jobs with `homeward worker`")
    return _config


def enqueue_fanout(queue: Queue, alert_id: int, kind: DeliveryKind, *, part: int = 0) -> None:
    """Queue (a slice of) an alert's fan-out on the alert queue."""
    queue.enqueue(
        fan_out,
        alert_id,
        kind.value,
        part,
        job_id=f"alert-{kind.value}-{alert_id}-{part}-{time.time_ns()}",
        retry=Retry(max=5, interval=[10, 30, 120, 600, 1800]),
        result_ttl=3600,
        failure_ttl=30 * 86400,
    )


def resume_fanouts(engine: Engine, queue: Queue, *, now: datetime | None = None) -> int:
    """Settle rows a dead worker left "sending" past the lease, and queue every fan-out with
    rows pending and no job at work on it; returns how many were queued."""
    now = now or utcnow()
    with session_scope(engine) as session:
        lost = settle_lost_sends(session=session, claimed_before=now - LEASE)
        unfinished = unfinished_fanouts(session=session)
    if lost:
        log.warning("%d alert messages were being sent when their worker died: not resent", lost)
    queued = 0
    for alert_id, kind in unfinished:
        beat = queue.connection.get(_ACTIVE.format(alert_id=alert_id, kind=kind))
        if beat is not None and float(beat) > (now - _ACTIVE_STALE).timestamp():
            continue  # a job is at work on it
        enqueue_fanout(queue, alert_id, DeliveryKind(kind))
        queued += 1
    return queued


def _withdraw(session: Session, alert_id: int) -> None:
    """An alert closed since its rows were put back: they are never sent (as closing does)."""
    withdrawn = withdraw_unsent(session=session, alert_id=alert_id)
    if withdrawn:
        log.info("alert %s: closed: %d messages put back are withdrawn", alert_id, withdrawn)


def fan_out(alert_id: int, kind: str, part: int = 0) -> str:
    """Send an alert's pending messages for one slice, then queue the rest; safe to run twice."""
    rt, config = runtime.current(), _current()
    pacers = {p: Pacer(config.redis, p, config.per_second) for p in config.senders}
    active = _ACTIVE.format(alert_id=alert_id, kind=kind)
    started, sent, texts = time.monotonic(), 0, Texts(config)
    while time.monotonic() - started < config.slice_seconds:
        config.redis.set(active, time.time(), ex=int(LEASE.total_seconds()))
        with session_scope(rt.engine) as session:
            alert = session.get(Alert, alert_id)
            if alert is not None and alert.closed_at is not None and kind == DeliveryKind.ALERT:
                _withdraw(session, alert_id)  # rows put back after a failed send
            rows = next_deliveries(
                session=session, alert_id=alert_id, kind=DeliveryKind(kind), limit=_BATCH
            )
            to = readers(session, rows)
        if alert is None or not rows:
            config.redis.delete(active)
            log.info("alert %s %s: fan-out done (%d sent by this part)", alert_id, kind, sent)
            return "done"
        for row in rows:
            if (row.id or 0) in to:  # else unsubscribed meanwhile: the row went with them
                sent += send_row(rt.engine, config, pacers, texts, alert, row, *to[row.id or 0])
    enqueue_fanout(
        Queue(ALERT_QUEUE, connection=config.redis), alert_id, DeliveryKind(kind), part=part + 1
    )
    log.info("alert %s %s: part %d sent %d, the rest queued", alert_id, kind, part, sent)
    return "continued"
