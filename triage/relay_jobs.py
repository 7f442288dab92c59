"""Jobs of the anonymous relay: a coordinator's question out, the tipster's answer noticed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sqlmodel import Session

from storage import RelayMessage, Report, ReportEvent, session_scope, utcnow
from storage.conversations import lock_conversation
from storage.outbox import OutboxJob, claim_outbox_item, mark_done
from storage.reports import append_event
from triage import runtime
from triage.notify import MatchVerdict, Notifier

__all__ = [
    "DeliveryRefused",
    "RelaySender",
    "match_decided",
    "relay_to_tipster",
    "tip_changed",
    "tipster_replied",
]

log = logging.getLogger(__name__)


class DeliveryRefused(RuntimeError):
    """The platform will not deliver this message, now or later (blocked, outside its window)."""


class RelaySender(Protocol):
    """Sends a coordinator's question to a tipster on one channel, worded in their language."""

    def send_question(self, user_id: str, *, language: str, ref: str, question: str) -> None:
        """Deliver the question; raise DeliveryRefused if it can never be delivered."""


def _await_reply(session: Session, report: Report) -> None:
    """Mark the tipster's conversation so their next message is taken as the answer."""

    if not report.tipster_key:
        return
    # Locked like the intake locks it, so a message arriving meanwhile is not overwritten.
    conversation = lock_conversation(
        session=session, channel=report.channel, user_key=report.tipster_key
    )
    if conversation is not None:
        conversation.state = {
            **conversation.state,
            "pending_reply": {"report_id": report.id, "ref": report.ref},
        }
        session.add(conversation)


def relay_to_tipster(report_id: int, relay_id: int) -> str:
    """Send a coordinator's question through the tipster's own channel; safe to run twice."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(
            session=session,
            report_id=report_id,
            job=OutboxJob.RELAY_TO_TIPSTER,
            subject_id=relay_id,
        )
        message = session.get(RelayMessage, relay_id)
        report = session.get(Report, report_id)
        if item is None or message is None or report is None:
            return "already done"
        sender = rt.senders.get(report.channel)
        if sender is None or rt.cipher is None or not report.tipster_ref:
            raise RuntimeError(f"no sender for channel {report.channel}")  # retried later
        try:
            sender.send_question(
                rt.cipher.decrypt(report.tipster_ref),
                language=report.language,
                ref=report.ref,
                question=message.body,
            )
        except DeliveryRefused as refused:
            message.failure = str(refused)[:128]
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="relay_failed",
                detail={"relay_id": relay_id, "why": message.failure},
            )
            log.info("report %s: relay %s refused by the platform", report_id, relay_id)
        else:
            message.delivered_at = utcnow()
            _await_reply(session, report)
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="relay_delivered",
                detail={"relay_id": relay_id},
            )
        session.add(message)
        mark_done(session=session, item=item)
    return "done"


def tip_changed(report_id: int, event_id: int) -> str:
    """Tell the notifier that a coordinator changed a tip, so its views are refreshed."""
    return _notify_once(
        report_id, OutboxJob.TIP_CHANGED, event_id, lambda n, ref: n.tip_changed(report_id, ref)
    )


def match_decided(report_id: int, event_id: int) -> str:
    """Tell the notifier a match was confirmed or dismissed (by its event), wherever it was,
    on this tip or on another tip of its case."""
    with session_scope(runtime.current().engine) as session:
        event = session.get(ReportEvent, event_id)
        if event is None:
            return "already done"
        given_on = session.get(Report, event.report_id) if event.report_id != report_id else None
        verdict = MatchVerdict(
            case_id=str(event.detail.get("case_id", "")),
            confirmed=event.action == "match_confirmed",
            by=event.actor,
            through=given_on.ref if given_on is not None else None,  # another tip of the case
        )
    return _notify_once(
        report_id,
        OutboxJob.MATCH_DECIDED,
        event_id,
        lambda n, ref: n.match_decided(report_id, ref, verdict),
    )


def tipster_replied(report_id: int, relay_id: int) -> str:
    """Tell coordinators that a tipster answered or added information."""
    return _notify_once(
        report_id,
        OutboxJob.TIPSTER_REPLIED,
        relay_id,
        lambda n, ref: n.tipster_replied(report_id, ref),
    )


def _notify_once(
    report_id: int, job: OutboxJob, subject_id: int, tell: Callable[[Notifier, str], None]
) -> str:
    """Tell the notifier once per outbox item (by the tip's reference), then mark it done."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(
            session=session, report_id=report_id, job=job, subject_id=subject_id
        )
        report = session.get(Report, report_id)
        if item is None or report is None:
            return "already done"
        tell(rt.notifier, report.ref)
        mark_done(session=session, item=item)
    return "done"
