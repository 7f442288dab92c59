"""The intake service: load the tipster's state, run the interview, store it, then reply.

Every answer is committed before the reply is returned, together with a record of the
delivery, so a re-delivered message gets the same reply and never a second effect. A
submitted report is written with its outbox row in the same transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from handlers.alert_port import AlertPort
from handlers.catalogue import DEFAULT_LANGUAGE, catalogue
from handlers.followup_port import StoredFollowup
from handlers.interview import handle
from handlers.messages import Inbound, InboundKind, Reply
from handlers.state import Env, FollowupPort, InterviewConfig, State
from handlers.submit import build_report
from storage import FieldCipher, session_scope, utcnow
from storage.blocks import block_in_force, keep_blocked_message
from storage.conversations import (
    LockedConversation,
    conversation_language,
    create_conversation,
    lock_for_message,
    record_delivery,
    save_state,
)
from storage.pin_stock import PinStock, pin_stock
from storage.reports import new_ref, save_report
from storage.retention import forget_tipster

__all__ = ["Intake", "queue_after_reply", "storable"]

log = logging.getLogger(__name__)
_ATTEMPTS = 4
# Where `Intake.handle` hands the queueing of follow-up work to run after the reply (see
# `queue_after_reply`); None: it queues it itself before returning.
_QUEUE_LATER: ContextVar[Callable[[Callable[[], None]], object] | None] = ContextVar(
    "intake_queue_later", default=None
)


def storable(msg: Inbound) -> Inbound:
    """The message without NUL characters: PostgreSQL text can't hold them, and nobody types
    them on purpose."""
    return replace(msg, text=msg.text.replace("\x00", "")) if "\x00" in msg.text else msg


@contextmanager
def _rolled_back(engine: Engine) -> Iterator[Session]:
    """A session whose transaction is always rolled back (`Intake.rehearse`)."""
    with Session(engine) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def queue_after_reply(run_later: Callable[[Callable[[], None]], object]) -> Iterator[None]:
    """Within the block, `Intake.handle` gives `run_later` the queueing of new follow-up work.

    For a caller that must answer fast (the WeChat callback): the work is already committed
    in the outbox with the answer, so queueing it later, or never (the sweeper does it),
    loses nothing.
    """
    token = _QUEUE_LATER.set(run_later)
    try:
        yield
    finally:
        _QUEUE_LATER.reset(token)


class Intake:
    """Runs the interview for every channel against the database."""

    def __init__(
        self,
        *,
        engine: Engine,
        cipher: FieldCipher,
        config: InterviewConfig | None = None,
        after_submit: Callable[[int], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        alerts: Callable[[Session, str, str], AlertPort] | None = None,
        pins: PinStock | None = None,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        # Receipts' PINs, hashed ahead of time once a web process calls `pins.fill()`.
        self.pins = pins or pin_stock(cipher)
        self.config = config or InterviewConfig()
        # Called after commit with each report that got new follow-up work (a submission,
        # a tipster's answer), to queue it; the sweeper catches up if this fails.
        self.after_submit = after_submit
        self.clock = clock
        # Binds alert subscriptions to one platform user (session, channel, user id): the
        # user id is the private chat's, which alerts are later sent to.
        self.alerts = alerts

    def handle(self, msg: Inbound) -> list[Reply]:
        """Handle one inbound message durably and return the replies to send."""
        msg = storable(msg)
        for attempt in range(_ATTEMPTS):
            try:
                replies, touched = self._handle_once(msg)
                break
            except (IntegrityError, OperationalError):
                # A concurrent first message from the same tipster, the same delivery handled
                # in another process, or a serialisation conflict: the transaction rolled
                # back, so running it again is safe.
                if attempt == _ATTEMPTS - 1:
                    raise
                log.info("intake retry after conflict (attempt %d)", attempt + 1)
        if self.after_submit is not None and touched:
            queue_work = partial(self._queue_follow_ups, sorted(touched))
            run_later = _QUEUE_LATER.get()
            if run_later is None:
                queue_work()
            else:
                run_later(queue_work)
        return replies

    def _queue_follow_ups(self, report_ids: list[int]) -> None:
        for report_id in report_ids:
            if self.after_submit is not None:
                self.after_submit(report_id)

    def rehearse(self, channel: str, language_hint: str | None = None) -> None:
        """Handle a made-up first message and roll it back, so SQLAlchemy compiles the intake's
        statements now and not in each thread that handles one of the first real messages."""
        msg = Inbound(
            channel,
            "rehearsal",
            InboundKind.TEXT,
            text="你好",
            delivery_id="rehearsal",
            language_hint=language_hint,
        )
        try:
            self._handle_once(msg, scope=_rolled_back)
        except Exception:  # the first messages compile them instead
            log.exception("intake rehearsal failed")

    def _handle_once(
        self,
        msg: Inbound,
        scope: Callable[[Engine], AbstractContextManager[Session]] = session_scope,
    ) -> tuple[list[Reply], set[int]]:
        """One transaction; returns the replies and the reports with new outbox work."""
        user_key = self.user_key(msg)
        with scope(self.engine) as session:
            lookup = partial(
                lock_for_message,
                session=session,
                channel=msg.channel,
                user_key=user_key,
                delivery_key=msg.delivery_id,
            )
            conversation = lookup()
            if conversation is None:  # a tipster we have not seen on this channel
                create_conversation(
                    session=session,
                    channel=msg.channel,
                    user_key=user_key,
                    user_ref=self.cipher.encrypt(msg.user_id),
                )
                conversation = lookup()
                assert conversation is not None  # created above, in this transaction
            if (seen := conversation.seen) is not None:
                if seen.conversation_id == conversation.id:
                    log.info("conversation %s: repeated delivery answered again", conversation.id)
                    return self.load_replies(seen.replies), set()
                # another tipster's id: never replay their replies
                log.warning(
                    "conversation %s: delivery id seen on another conversation", conversation.id
                )
                msg = replace(msg, delivery_id=None)
            touched: set[int] = set()
            redacted: list[Reply] | None = None
            if conversation.blocked:  # blocked by a lead: kept, marked, and a neutral answer
                replies = self._blocked(session, user_key, conversation, msg)
            else:
                replies, touched, redacted = self._interview(session, conversation, msg, user_key)
            if msg.delivery_id:
                record_delivery(
                    session=session,
                    channel=msg.channel,
                    delivery_key=msg.delivery_id,
                    conversation_id=conversation.id,
                    replies=self.store_replies(replies),
                    redacted_replies=self.store_replies(redacted) if redacted else None,
                )
        return replies, touched

    def user_key(self, msg: Inbound) -> str:
        """How the tipster's conversation is found without keeping their platform id."""
        return self.cipher.blind_index(f"{msg.channel}:{msg.user_id}")

    def env(self, now: datetime, followup: FollowupPort, alerts: AlertPort | None) -> Env:
        """What one step of the interview may use, with the ports bound for this message."""
        return Env(
            config=self.config,
            now=now,
            encrypt=self.cipher.encrypt,
            followup=followup,
            alerts=alerts,
        )

    def store_replies(self, replies: list[Reply]) -> str:
        """Replies as a delivery's record keeps them (encrypted)."""
        return self.cipher.encrypt(json.dumps([r.to_dict() for r in replies]))

    def load_replies(self, stored: str) -> list[Reply]:
        """Replies kept by `store_replies`."""
        return [Reply.from_dict(r) for r in json.loads(self.cipher.decrypt(stored))]

    def _interview(
        self, session: Session, conversation: LockedConversation, msg: Inbound, user_key: str
    ) -> tuple[list[Reply], set[int], list[Reply] | None]:
        """Run the interview on one message: the replies, the reports with new work, and what
        a re-delivery gets once the sweeper forgets a receipt's PIN."""
        now = self.clock()
        state = State.from_dict(conversation.state)
        followup = StoredFollowup(
            session=session, cipher=self.cipher, who=user_key, channel=msg.channel, now=now
        )
        alerts = self.alerts(session, msg.channel, msg.user_id) if self.alerts else None
        env = self.env(now, followup, alerts)
        outcome = handle(state, msg, env)
        replies, touched = outcome.replies, followup.touched
        redacted: list[Reply] | None = None
        if outcome.submission is not None:
            ref, (pin, pin_hash) = new_ref(), self.pins.take()
            report, attachments = build_report(
                outcome.submission,
                ref=ref,
                pin_hash=pin_hash,
                channel=msg.channel,
                tipster_ref=conversation.user_ref,
                tipster_key=user_key,
            )
            save_report(session=session, report=report, attachments=attachments)
            report_id = report.id or 0
            touched.add(report_id)
            lang = outcome.submission.language
            replies = [Reply(env.t(lang, "receipt", ref=ref, pin=pin), language=lang)]
            # What a re-delivery gets once the sweeper forgets the PIN (never the PIN).
            redacted = [Reply(env.t(lang, "receipt.already_shown"), language=lang)]
            log.info("report %s submitted (conversation %s)", report_id, conversation.id)
        if outcome.forget_tipster:
            forget_tipster(session=session, channel=msg.channel, user_key=user_key)
            log.info("conversation %s: the tipster's data was deleted on request", conversation.id)
        save_state(session=session, conversation_id=conversation.id, state=state.to_dict(), now=now)
        log.debug("conversation %s now at step %s", conversation.id, state.step)
        return replies, touched, redacted

    def _blocked(
        self, session: Session, user_key: str, conversation: LockedConversation, msg: Inbound
    ) -> list[Reply]:
        """A blocked tipster: their message kept, marked, and a neutral answer."""
        body = f"/{msg.text}" if msg.kind is InboundKind.COMMAND else msg.text
        block = block_in_force(session=session, tipster_key=user_key)
        kept = block is not None and keep_blocked_message(session=session, block=block, body=body)
        log.info(
            "conversation %s: message from a blocked tipster (kept: %s)", conversation.id, kept
        )
        texts = catalogue()
        language = State.from_dict(conversation.state).language
        language = language or texts.match_language(msg.language_hint) or DEFAULT_LANGUAGE
        return [Reply(texts.text(language, "blocked.received"), language=language)]

    def language_of(self, channel: str, user_id: str) -> str | None:
        """The language a tipster's conversation is in, if they have begun one."""
        user_key = self.cipher.blind_index(f"{channel}:{user_id}")
        with session_scope(self.engine) as session:
            return conversation_language(session=session, channel=channel, user_key=user_key)
