"""rq jobs for WeChat: replies that missed the 5-second passive reply go out as customer messages.

The job runs the message through the intake itself: if the web process already answered it,
the intake returns the stored reply; if the web process died first, the job does the work.
Either way the message has exactly one effect, and each part is sent at most once.

A message the intake fails on by a fault of its own (a bug, content the database refuses) is
counted in the inbound table; after `SET_ASIDE_AFTER` tries it is set aside (`homeward
inbound list`) and the tipster gets an apology, instead of rq keeping the error's text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from functools import partial

import redis
from rq import Queue, Retry
from wechatpy.exceptions import WeChatClientException

from bot.failures import describe, may_pass
from bot.wechat.client import REFUSALS, with_token_refresh
from bot.wechat.inbound import CHANNEL, LANGUAGE_HINT
from bot.wechat.relay import WeChatRelaySender
from bot.wechat.replies import text_parts
from handlers import Inbound, InboundKind, catalogue
from storage import FieldCipher, InboundUpdate, session_scope
from storage.inbound import (
    find_update_id,
    mark_processed_by_key,
    record_failure,
    store_update,
)
from triage import Runtime, runtime
from triage.queue import enqueue_once

__all__ = [
    "FailedAgain",
    "enqueue_late_reply",
    "requeue_late_reply",
    "send_late_reply",
]

log = logging.getLogger(__name__)
RETRY = Retry(max=5, interval=[5, 30, 120, 600, 1800])
SENT_PREFIX = "homeward:wechat:sent:"
SENT_TTL = 3 * 24 * 3600  # longer than WeChat's 48-hour window for customer messages


def _configured() -> tuple[Runtime, FieldCipher, redis.Redis, WeChatRelaySender]:
    """What WeChat jobs use, from the worker's runtime (`bot.worker.worker_runtime`)."""
    rt = runtime.current()
    sender = rt.senders.get(CHANNEL)
    if rt.cipher is None or rt.queue is None or not isinstance(sender, WeChatRelaySender):
        raise RuntimeError("WeChat jobs not configured: start them with `homeward worker`")
    return rt, rt.cipher, rt.queue.connection, sender


def _key(inbound: Inbound) -> str:
    return hashlib.sha256((inbound.delivery_id or "").encode()).hexdigest()[:32]


def enqueue_late_reply(queue: Queue, cipher: FieldCipher, inbound: Inbound, *, skip: int) -> None:
    """Queue the customer-message job for a message (once), parts from `skip` on."""
    payload = cipher.encrypt(json.dumps(asdict(inbound)))  # the OpenID never sits in Redis
    job_id = f"wechat-reply-{_key(inbound)}-{skip}"
    if enqueue_once(queue, send_late_reply, payload, skip, job_id=job_id, retry=RETRY):
        log.info("%s: reply queued as a customer message (from part %d)", inbound.delivery_id, skip)


def requeue_late_reply(queue: Queue, payload: str) -> None:
    """Queue a set-aside message's job again (`homeward inbound retry`), after a fix."""
    queue.enqueue(send_late_reply, payload, 0, retry=RETRY, result_ttl=86400, failure_ttl=86400)


class FailedAgain(RuntimeError):
    """The intake failed on this message by a fault of its own; rq tries it again later.

    Carries the error's type and place only: rq keeps it, and the original's text may quote
    what the tipster sent.
    """


def _held_against(inbound: Inbound, payload: str, error: Exception) -> str:
    """Count a failure of the message's own; once set aside, apologise (else FailedAgain)."""
    rt, cipher, _, sender = _configured()
    failure, key = describe(error), inbound.delivery_id or _key(inbound)
    with session_scope(rt.engine) as session:
        row_id = store_update(
            session=session,
            channel=CHANNEL,
            update_key=key,
            payload=payload,
            chat_key=cipher.blind_index(f"{CHANNEL}-chat:{inbound.user_id}"),
        ) or find_update_id(session=session, channel=CHANNEL, update_key=key)
        row = session.get(InboundUpdate, row_id)
        if row is not None and row.set_aside_at is not None:
            return "set aside before"  # WeChat delivered it again: sorry was said once
        set_aside = record_failure(session=session, update_id=row_id or 0, failure=failure)
    if not set_aside:
        raise FailedAgain(failure) from None
    log.error("%s: set aside (%s): homeward inbound list", inbound.delivery_id, failure)
    language = rt.intake().language_of(CHANNEL, inbound.user_id) or LANGUAGE_HINT
    text = catalogue().text(language, "inbound.set_aside")
    client = sender.client()
    try:
        with_token_refresh(client, partial(client.message.send_text, inbound.user_id, text))
    except WeChatClientException as exc:  # outside the 48 hours, unfollowed: nothing to do
        log.warning("%s: apology not sent (%s)", inbound.delivery_id, exc.errcode)
    return "set aside"


def send_late_reply(payload: str, skip: int = 0) -> str:
    """Answer one message through the customer-service API; safe to run twice."""
    rt, cipher, connection, sender = _configured()
    data = json.loads(cipher.decrypt(payload))
    inbound = Inbound(**{**data, "kind": InboundKind(data["kind"])})
    try:
        replies = rt.intake().handle(inbound)
    except Exception as error:
        if may_pass(error):
            raise  # an outage: rq tries again later
        return _held_against(inbound, payload, error)
    with session_scope(rt.engine) as session:  # if it failed before: settled
        mark_processed_by_key(
            session=session, channel=CHANNEL, update_key=inbound.delivery_id or _key(inbound)
        )
    parts = text_parts(replies)
    client, sent = sender.client(), 0
    for index, text in enumerate(parts[skip:], start=skip):
        marker = f"{SENT_PREFIX}{_key(inbound)}:{index}"
        if connection.exists(marker):
            continue
        try:
            with_token_refresh(client, partial(client.message.send_text, inbound.user_id, text))
        except WeChatClientException as exc:
            reason = REFUSALS.get(exc.errcode or 0)
            if reason is None:
                raise  # network, quota (45009), server errors: rq retries later
            connection.set(marker, f"refused {exc.errcode}", ex=SENT_TTL)
            log.warning(
                "%s: customer message refused, %s (%s)", inbound.delivery_id, reason, exc.errcode
            )
            return f"not sent: {exc.errcode} {reason}"
        connection.set(marker, "sent", ex=SENT_TTL)
        sent += 1
    log.info("%s: %d customer message(s) sent", inbound.delivery_id, sent)
    return f"sent {sent}"
