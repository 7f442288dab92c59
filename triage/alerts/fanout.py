"""The fan-out job: an alert's messages sent from their outbox rows, nearest first, each once.

Each row is claimed (pending → sending, one conditional UPDATE, committed), sent, then marked
(sent, blocked, unreachable), committed again. So a row is never sent by two workers at once,
and a worker killed anywhere leaves every row it had not claimed pending for the next run.

The one edge is a worker killed after the platform took the message and before "sent" was
committed (a few milliseconds per message). Neither Telegram nor WeChat lets us ask later
whether a message arrived or send it with an idempotency key, so the choice is between
sending such a row again (the subscriber may see it twice) and never (they may never see
it). We send again: a row left "sending" longer than the lease (`LEASE`) is released by the
sweeper (resume_fanouts) and sent once more, up to MAX_ATTEMPTS claims. A missed alert about
a missing child costs more than a repeated one; and as the window is the time between the
platform's answer and our commit, a kill between claim and send (the usual case: the send
waits on the network and the pacer) is re-sent and still reaches the subscriber exactly once.

Jobs run on their own queue (ALERT_QUEUE), which the worker takes after the report queue,
and each job sends for at most SLICE_SECONDS before queuing its own continuation: a 100,000-
subscriber fan-out never holds a follow-up, an escalation or a relay for more than a slice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import redis
from rq import Queue, Retry
from sqlalchemy.engine import Engine

from handlers import catalogue
from storage import Alert, AlertDelivery, DeliveryKind, DeliveryStatus, session_scope, utcnow
from storage.alert_models import Subscription
from storage.alert_reads import last_heard
from storage.alerts import (
    MAX_ATTEMPTS,
    claim_delivery,
    finish_delivery,
    next_deliveries,
    release_stale_claims,
    unfinished_fanouts,
)
from triage import runtime
from triage.alerts.delivery import AlertMessage, AlertSender, DeliveryRefused, Unreachable
from triage.alerts.pacing import Pacer
from triage.alerts.wording import AlertWords, alert_text, closing_text

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
SLICE_SECONDS = 20.0
_BATCH = 50
_ACTIVE = "homeward:alerts:active:{alert_id}:{kind}"  # when a job last took a batch
_ACTIVE_STALE = timedelta(minutes=1)  # a job silent this long is gone (a batch takes seconds)


@dataclass
class AlertDeliveryConfig:
    """What the fan-out needs in the worker: a sender per platform and the wording's extras."""

    redis: redis.Redis
    senders: dict[str, AlertSender] = field(default_factory=dict)
    per_second: float = 27.0  # ALERT_MESSAGES_PER_SECOND: 0.9 of Telegram's 30
    emergency: str = "110"
    page_base_url: str | None = None  # HOMEWARD_PUBLIC_URL: links to /alerts/{id}
    slice_seconds: float = SLICE_SECONDS


_config: AlertDeliveryConfig | None = None


def configure_alert_delivery(config: AlertDeliveryConfig) -> None:
    """Set the fan-out's senders and settings in this process."""
    global _config
    _config = config


def _current() -> AlertDeliveryConfig:
    if _config is None:
        raise RuntimeError("alert delivery not configured: start jobs with `homeward worker`")
    return _config


def page_url(base: str | None, alert_id: int) -> str | None:
    """The public page of an alert, if the deployment's public address is known."""
    return f"{base.rstrip('/')}/alerts/{alert_id}" if base else None


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
    """Release rows a dead worker left "sending" past the lease, and queue every fan-out with
    rows pending and no job at work on it; returns how many were queued."""
    now = now or utcnow()
    with session_scope(engine) as session:
        released = release_stale_claims(session=session, claimed_before=now - LEASE)
        unfinished = unfinished_fanouts(session=session)
    if released:
        log.warning("%d alert messages left unsent by a lost worker: sending them again", released)
    queued = 0
    for alert_id, kind in unfinished:
        beat = queue.connection.get(_ACTIVE.format(alert_id=alert_id, kind=kind))
        if beat is not None and float(beat) > (now - _ACTIVE_STALE).timestamp():
            continue  # a job is at work on it
        enqueue_fanout(queue, alert_id, DeliveryKind(kind))
        queued += 1
    return queued


def fan_out(alert_id: int, kind: str, part: int = 0) -> str:
    """Send an alert's pending messages for one slice, then queue the rest; safe to run twice."""
    rt, config = runtime.current(), _current()
    pacers = {p: Pacer(config.redis, p, config.per_second) for p in config.senders}
    active = _ACTIVE.format(alert_id=alert_id, kind=kind)
    started, sent, texts = time.monotonic(), 0, _Texts(config)
    while time.monotonic() - started < config.slice_seconds:
        config.redis.set(active, time.time(), ex=int(LEASE.total_seconds()))
        with session_scope(rt.engine) as session:
            alert = session.get(Alert, alert_id)
            rows = next_deliveries(
                session=session, alert_id=alert_id, kind=DeliveryKind(kind), limit=_BATCH
            )
        if alert is None or not rows:
            config.redis.delete(active)
            log.info("alert %s %s: fan-out done (%d sent by this part)", alert_id, kind, sent)
            return "done"
        for row in rows:
            sent += _send_one(rt.engine, config, pacers, texts, alert, row)
    enqueue_fanout(
        Queue(ALERT_QUEUE, connection=config.redis), alert_id, DeliveryKind(kind), part=part + 1
    )
    log.info("alert %s %s: part %d sent %d, the rest queued", alert_id, kind, part, sent)
    return "continued"


def _send_one(
    engine: Engine,
    config: AlertDeliveryConfig,
    pacers: dict[str, Pacer],
    texts: _Texts,
    alert: Alert,
    row: AlertDelivery,
) -> int:
    """Claim, send and mark one row; 1 if this call sent it."""
    with session_scope(engine) as session:
        if not claim_delivery(session=session, delivery_id=row.id or 0, now=utcnow()):
            return 0  # another worker has it, or it is done
        subscription = session.get(Subscription, row.subscription_id)
        if subscription is None:
            return 0  # unsubscribed meanwhile: the row went with the subscription
        heard = last_heard(
            session=session, channel=subscription.platform, user_key=subscription.user_key
        )
        session.expunge(subscription)
    status, failure = _deliver(config, pacers, texts, alert, row, subscription, heard)
    with session_scope(engine) as session:
        finish_delivery(session=session, delivery_id=row.id or 0, status=status, failure=failure)
    return 1 if status == DeliveryStatus.SENT else 0


def _deliver(
    config: AlertDeliveryConfig,
    pacers: dict[str, Pacer],
    texts: _Texts,
    alert: Alert,
    row: AlertDelivery,
    subscription: Subscription,
    heard: datetime | None,
) -> tuple[DeliveryStatus, str | None]:
    """Send one claimed message; how it ended (a network error is raised, after the row is
    put back, so rq retries the job later)."""
    sender, cipher = config.senders.get(subscription.platform), runtime.current().cipher
    if sender is None or cipher is None:
        return DeliveryStatus.UNREACHABLE, f"no sender for {subscription.platform}"
    language = subscription.language
    message = AlertMessage(
        user_id=cipher.decrypt(subscription.user_ref),
        language=language,
        text=texts.of(alert, row.kind, language, subscription.platform),
        alert_id=alert.id or 0,
        seen_button=(
            catalogue().text(language, "alert.button.seen")
            if row.kind == DeliveryKind.ALERT
            else None
        ),
        page_url=page_url(config.page_base_url, alert.id or 0),
        last_heard=max(filter(None, (heard, subscription.created_at))),
        case_id=alert.case_id,
    )
    pacers[subscription.platform].wait_turn()
    try:
        sender.send_alert(message)
    except DeliveryRefused as refused:
        return DeliveryStatus.BLOCKED, str(refused)
    except Unreachable as unreachable:
        return DeliveryStatus.UNREACHABLE, str(unreachable)
    except Exception as error:
        again = (
            DeliveryStatus.FAILED if row.attempts + 1 >= MAX_ATTEMPTS else DeliveryStatus.PENDING
        )
        with session_scope(runtime.current().engine) as session:
            finish_delivery(
                session=session, delivery_id=row.id or 0, status=again, failure=type(error).__name__
            )
        log.warning(
            "alert %s: a message failed (%s); the job is retried", alert.id, type(error).__name__
        )
        raise
    return DeliveryStatus.SENT, None


class _Texts:
    """An alert's message per (language, platform), worded once per job."""

    def __init__(self, config: AlertDeliveryConfig) -> None:
        self._config = config
        self._done: dict[tuple[str, str], str] = {}
        self._today = date.today()

    def of(self, alert: Alert, kind: str, language: str, platform: str) -> str:
        key = (language, platform)
        if key not in self._done:
            if kind == DeliveryKind.CLOSED:
                text = closing_text(alert.params, language, found=alert.found)
            else:
                words = AlertWords(
                    alert.id or 0,
                    platform,
                    self._config.emergency,
                    page_url(self._config.page_base_url, alert.id or 0),
                )
                text = alert_text(alert.params, language, words, self._today)
            self._done[key] = text
        return self._done[key]
