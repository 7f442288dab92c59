"""Telling the coordinators' group about tips, from the worker: cards, alerts and notices.

The notifier is called inside a job's transaction, where another database connection would
wait for that transaction (SQLite) — so it only queues `post_to_group`, which runs after it
in its own transaction: posts or edits the tip's card, then sends the alert or notice.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

from rq import Queue, Retry
from sqlmodel import Session

from bot.telegram.botapi import BotApi, BotApiError
from bot.telegram.coordinators.card import card
from bot.telegram.coordinators.verdicts import noticed_verdict, verdict_markup
from handlers import catalogue
from storage import RegistryEntry, Report, session_scope, utcnow
from storage.coordinator_chat import claim_holder, find_card, find_notice, save_card, save_notice
from triage import runtime
from triage.notify import MatchVerdict
from triage.urgency_words import score_words

__all__ = ["TelegramNotifier", "post_to_group", "say_verdict"]

log = logging.getLogger(__name__)
RETRY = Retry(max=5, interval=[10, 30, 120, 600, 1800])
NOTICES = {
    "imminent": "coordinator.alert.imminent",
    "replied": "coordinator.notice.replied",
    "match": "coordinator.notice.match_case",
    "escalated": "coordinator.notice.escalated",
}


class TelegramNotifier:
    """`triage.notify.Notifier` for the coordinators' group: no identity, ever."""

    def __init__(
        self, api: BotApi, *, chat_id: int, queue: Queue, language: str, tz: ZoneInfo
    ) -> None:
        self.api, self.chat_id, self.queue = api, chat_id, queue
        self.language, self.tz = language, tz

    def report_queued(self, report_id: int, ref: str) -> None:
        """Post the tip's card."""
        self._queue(report_id, "card", job_id=f"tg-card-{report_id}")

    def imminent(self, report_id: int, ref: str) -> None:
        """Alert the group at once (ahead of other work), under the card."""
        self._queue(report_id, "imminent", job_id=f"tg-imminent-{report_id}", at_front=True)

    def tip_changed(self, report_id: int, ref: str) -> None:
        """Edit the tip's card in place (a change made from the CLI or the dashboard)."""
        self._queue(report_id, "card")

    def tipster_replied(self, report_id: int, ref: str) -> None:
        """Say that the tipster answered (what they said stays on the dashboard)."""
        self._queue(report_id, "replied")

    def match_found(self, report_id: int, ref: str, entry_id: int, score: float) -> None:
        """Say that a registry entry may be this tip's child."""
        self._queue(report_id, "match", entry_id, score, job_id=f"tg-match-{report_id}-{entry_id}")

    def match_decided(self, report_id: int, ref: str, verdict: MatchVerdict) -> None:
        """Say the verdict on the match's notice, without its buttons (given anywhere)."""
        self.queue.enqueue(
            say_verdict,
            report_id,
            verdict.case_id,
            verdict.confirmed,
            verdict.by,
            verdict.through,
            retry=RETRY,
            result_ttl=86400,
            failure_ttl=30 * 86400,
        )

    def escalated(self, report_id: int, ref: str) -> None:
        """Tell the leads an imminent tip is still unclaimed (under its card)."""
        self._queue(report_id, "escalated", job_id=f"tg-escalated-{report_id}", at_front=True)

    def _queue(
        self,
        report_id: int,
        what: str,
        *args: object,
        job_id: str | None = None,
        at_front: bool = False,
    ) -> None:
        self.queue.enqueue(
            post_to_group,
            report_id,
            what,
            *args,
            job_id=job_id,
            at_front=at_front,
            retry=RETRY,
            result_ttl=86400,
            failure_ttl=30 * 86400,
        )

    def show_card(self, session: Session, report: Report) -> int:
        """Edit the tip's card to show it as it is now, or post it; its message id."""
        now = utcnow()
        holder = claim_holder(session=session, report=report, now=now)
        view = card(report, holder=holder, language=self.language, tz=self.tz, now=now)
        where = find_card(session=session, report_id=report.id or 0)
        if where is not None and where.chat_id == self.chat_id:
            try:
                self.api.call(
                    "editMessageText",
                    chat_id=where.chat_id,
                    message_id=where.message_id,
                    text=view.text,
                    reply_markup=view.markup_json(),
                )
                return where.message_id
            except BotApiError as error:
                if error.not_modified:
                    return where.message_id
                if not error.message_gone:
                    raise
                log.info("report %s: card was deleted; posting it again", report.id)
        sent = self.api.call(
            "sendMessage", chat_id=self.chat_id, text=view.text, reply_markup=view.markup_json()
        )
        save_card(
            session=session,
            report_id=report.id or 0,
            chat_id=self.chat_id,
            message_id=sent["message_id"],
        )
        return int(sent["message_id"])

    def send_notice(
        self,
        session: Session,
        report: Report,
        what: str,
        card_id: int,
        case_id: str,
        match: float,
        entry_id: int = 0,
    ) -> None:
        """A short message under the card: reference and scores, nothing the tipster said;
        a match notice carries Confirm / Dismiss, and where it is is kept (in `session`)."""
        text = catalogue().text(
            self.language,
            NOTICES[what],
            ref=report.ref,
            score=score_words(report, self.language),
            case=case_id,
            match=f"{match:.2f}",
            minutes=runtime.current().imminent_escalate_minutes,
        )
        reply = {"message_id": card_id, "allow_sending_without_reply": True}
        markup = None
        if what == "match" and entry_id:
            markup = verdict_markup(report.id or 0, entry_id, self.language)
        sent = self.api.call(
            "sendMessage",
            chat_id=self.chat_id,
            text=text,
            reply_parameters=reply,
            reply_markup=markup,
        )
        if markup is not None:  # where the notice is, to say its verdict there later
            save_notice(
                session=session,
                report_id=report.id or 0,
                case_id=case_id,
                chat_id=self.chat_id,
                message_id=int(sent["message_id"]),
                text=text,
            )

    def say_verdict(
        self, report_id: int, case_id: str, confirmed: bool, by: str, through: str | None
    ) -> str:
        """Edit a match's notice to say the verdict and who gave it; no buttons left."""
        where = self._notice(report_id, case_id)
        if where is None:
            return "no notice"
        text = noticed_verdict(
            where["text"],
            self.language,
            confirmed=confirmed,
            name=by,
            case=case_id,
            through=through,
        )
        try:
            self.api.call(
                "editMessageText",
                chat_id=where["chat"],
                message_id=where["message"],
                text=text,
            )
        except BotApiError as error:
            if not (error.not_modified or error.message_gone):
                raise
        return "done"

    def _notice(self, report_id: int, case_id: str) -> dict[str, Any] | None:
        """Where a match's notice is: in the database, or (posted before migration 0016) in
        the Redis key that kept it then, for 180 days (until June 2027)."""
        with session_scope(runtime.current().engine) as session:
            notice = find_notice(session=session, report_id=report_id, case_id=case_id)
            if notice is not None:
                return {"chat": notice.chat_id, "message": notice.message_id, "text": notice.text}
        stored = self.queue.connection.get(f"homeward:match-notice:{report_id}:{case_id}")
        return None if stored is None else dict(json.loads(stored))


def say_verdict(
    report_id: int, case_id: str, confirmed: bool, by: str, through: str | None = None
) -> str:
    """The job: say a match verdict on its notice in the coordinators' group."""
    notifier = runtime.current().notifier
    if not isinstance(notifier, TelegramNotifier):
        raise RuntimeError("the worker has no Telegram notifier configured")  # retried later
    done = notifier.say_verdict(report_id, case_id, confirmed, by, through)
    log.info("report %s: match verdict %s on the group's notice", report_id, done)
    return done


def post_to_group(report_id: int, what: str, entry_id: int = 0, score: float = 0.0) -> str:
    """Show a tip's card in the coordinators' group, then its alert or notice, if any."""
    notifier = runtime.current().notifier
    if not isinstance(notifier, TelegramNotifier):
        raise RuntimeError("the worker has no Telegram notifier configured")  # retried later
    with session_scope(runtime.current().engine) as session:
        report = session.get(Report, report_id)
        if report is None:
            return "report gone"
        card_id = notifier.show_card(session, report)
        if what in NOTICES:
            entry = session.get(RegistryEntry, entry_id) if entry_id else None
            case_id = entry.case_id if entry is not None else str(entry_id)
            notifier.send_notice(session, report, what, card_id, case_id, score, entry_id)
    log.info("report %s: %s shown to the coordinators' group", report_id, what)
    return "done"
