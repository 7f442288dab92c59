"""Sending one outbox row: read whom it is for, wait for the pace, claim, send, mark.

The pace is waited for before the claim, so a row stays claimed only for the moment of its
send: a worker killed while it waits (most of its time at Telegram's pace) leaves nothing
claimed, and one killed during the send leaves that one row "sending", settled "uncertain" and
never sent again (fanout.py).

A message whose photo goes before its text records the photo on the row, committed, before
the text is tried (AlertMessage.photo_sent): when the text fails and the row is claimed again,
its message goes without the photo, so no subscriber is shown the photo twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers import catalogue
from storage import (
    Alert,
    AlertDelivery,
    Channel,
    DeliveryKind,
    DeliveryStatus,
    session_scope,
    utcnow,
)
from storage.alert_models import Subscription
from storage.alert_photos import shows_photo
from storage.alert_reads import last_heard
from storage.alerts import MAX_ATTEMPTS, Claim, claim_delivery, finish_delivery, mark_photo_sent
from storage.subscriptions import subscriptions_by_id
from triage import runtime
from triage.alerts.delivery import (
    AlertDeliveryConfig,
    AlertMessage,
    DeliveryRefused,
    Unreachable,
    page_url,
)
from triage.alerts.pacing import Pacer
from triage.alerts.photos import StoredAlertPhoto
from triage.alerts.wording import AlertWords, alert_text, closing_text

__all__ = ["Texts", "readers", "send_row"]

log = logging.getLogger(__name__)


class Texts:
    """An alert's message per (language, platform), worded once per job."""

    def __init__(self, config: AlertDeliveryConfig) -> None:
        self._config = config
        self._done: dict[tuple[str, str], str] = {}
        self._today = date.today()
        self._photo: StoredAlertPhoto | None = None

    def of(self, alert: Alert, kind: str, language: str, platform: str) -> str:
        """The text of this alert's message (or its closing note) for one reader."""
        key = (language, platform)
        if key not in self._done:
            if kind == DeliveryKind.CLOSED:
                text = closing_text(alert.params, language, found=alert.found)
            else:
                link = page_url(self._config.page_base_url, alert.id or 0)
                words = AlertWords(alert.id or 0, platform, self._config.emergency, link)
                text = alert_text(alert.params, language, words, self._today)
            self._done[key] = text
        return self._done[key]

    def photo(self, alert: Alert) -> StoredAlertPhoto | None:
        """The alert's photo where the family agreed to it (one per job: uploaded once)."""
        if not shows_photo(alert):
            return None
        if self._photo is None:
            rt = runtime.current()
            if rt.cipher is None:
                raise RuntimeError("the worker has no cipher to read the alert's photo with")
            self._photo = StoredAlertPhoto(rt.engine, alert, rt.cipher, Path(rt.media_dir))
        return self._photo


def readers(
    session: Session, rows: list[AlertDelivery]
) -> dict[int, tuple[Subscription, datetime | None]]:
    """Each row's subscription and when its subscriber last wrote to us (WeChat's 48 hours),
    read for a batch at once; a row whose subscription went is left out."""
    found = subscriptions_by_id(session=session, ids=[r.subscription_id for r in rows])
    out: dict[int, tuple[Subscription, datetime | None]] = {}
    for row in rows:
        reader = found.get(row.subscription_id)
        if reader is None:
            continue
        heard = None
        if reader.platform == Channel.WECHAT:
            heard = last_heard(session=session, channel=reader.platform, user_key=reader.user_key)
        out[row.id or 0] = (reader, max(filter(None, (heard, reader.created_at))))
    return out


def _message(
    config: AlertDeliveryConfig,
    texts: Texts,
    alert: Alert,
    row: AlertDelivery,
    reader: Subscription,
    heard: datetime | None,
) -> AlertMessage:
    cipher = runtime.current().cipher
    if cipher is None:
        raise RuntimeError("the worker has no cipher to read subscribers' ids with")
    language = reader.language
    is_alert = row.kind == DeliveryKind.ALERT
    seen = catalogue().text(language, "alert.button.seen") if is_alert else None
    return AlertMessage(
        user_id=cipher.decrypt(reader.user_ref),
        language=language,
        text=texts.of(alert, row.kind, language, reader.platform),
        alert_id=alert.id or 0,
        seen_button=seen,
        page_url=page_url(config.page_base_url, alert.id or 0),
        last_heard=heard,
        case_id=alert.case_id,
        photo=texts.photo(alert) if is_alert else None,
    )


def send_row(
    engine: Engine,
    config: AlertDeliveryConfig,
    pacers: dict[str, Pacer],
    texts: Texts,
    alert: Alert,
    row: AlertDelivery,
    reader: Subscription,
    heard: datetime | None,
) -> int:
    """Send one row's message unless another worker has it; 1 if this call sent it."""
    sender = config.senders.get(reader.platform)
    message = _message(config, texts, alert, row, reader, heard) if sender else None
    if sender is not None:
        pacers[reader.platform].wait_turn()
    with session_scope(engine) as session:
        claim = claim_delivery(session=session, delivery_id=row.id or 0, now=utcnow())
    if claim is None:
        return 0  # another worker has it, it is done, or its alert closed
    if message is not None:
        message = _as_claimed(engine, message, row, claim)
    status: DeliveryStatus = DeliveryStatus.UNREACHABLE
    failure: str | None = f"no sender for {reader.platform}"
    if sender is not None and message is not None:
        try:
            sender.send_alert(message)
            status, failure = DeliveryStatus.SENT, None
        except DeliveryRefused as refused:
            status, failure = DeliveryStatus.BLOCKED, str(refused)
        except Unreachable as unreachable:
            status, failure = DeliveryStatus.UNREACHABLE, str(unreachable)
        except Exception as error:
            _put_back(engine, row, error)
            raise
    with session_scope(engine) as session:
        finish_delivery(session=session, delivery_id=row.id or 0, status=status, failure=failure)
    return 1 if status == DeliveryStatus.SENT else 0


def _as_claimed(
    engine: Engine, message: AlertMessage, row: AlertDelivery, claim: Claim
) -> AlertMessage:
    """The message as the claimed row still owes it: without the photo if that went before
    (known from the claim, not the batch read, which another worker may have tried since)."""
    photo = None if claim.photo_sent else message.photo
    if message.photo is not None and photo is None:
        log.info("alert %s: delivery %s: its photo went before, its text now", row.alert_id, row.id)
    return replace(message, photo=photo, photo_sent=_mark_photo(engine, row))


def _mark_photo(engine: Engine, row: AlertDelivery) -> Callable[[], None]:
    """What a sender calls once the row's photo went on its own: recorded and committed."""

    def mark() -> None:
        with session_scope(engine) as session:
            mark_photo_sent(session=session, delivery_id=row.id or 0, now=utcnow())

    return mark


def _put_back(engine: Engine, row: AlertDelivery, error: Exception) -> None:
    """A send that failed for a passing reason (network, Telegram down): pending again, or
    failed for good after MAX_ATTEMPTS; rq retries the job later."""
    again = DeliveryStatus.FAILED if row.attempts + 1 >= MAX_ATTEMPTS else DeliveryStatus.PENDING
    with session_scope(engine) as session:
        finish_delivery(
            session=session, delivery_id=row.id or 0, status=again, failure=type(error).__name__
        )
    log.warning(
        "alert %s: a message failed (%s); the job is retried", row.alert_id, type(error).__name__
    )
