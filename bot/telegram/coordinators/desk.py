"""The coordinators' group against the database: who may act, actions done once, what to show.

Synchronous (SQLModel); the group's handlers call it with `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.telegram.coordinators.actions import Action
from bot.telegram.coordinators.card import Card, Rows, card, encode, queue_line
from storage import ChatPrompt, Coordinator, Delivery, Report, TipCard, session_scope, utcnow
from storage.conversations import find_delivery
from storage.coordinator_chat import (
    add_prompt,
    claim_holder,
    find_card,
    find_prompt,
    tips_claimed_by,
)
from storage.coordinators import find_coordinator
from storage.reports import append_event, get_report, open_queue
from triage import dispatch_report
from triage.workflow import WorkflowError

__all__ = ["UNLISTED", "Desk", "Outcome"]

log = logging.getLogger(__name__)
UNLISTED = "unlisted-telegram"  # the actor of a refused attempt: never the raw user id
DESK = "telegram-coordinators"  # Delivery channel: each update acts at most once
PROMPT_TTL = timedelta(hours=24)
LISTED = 15  # tips in one /queue or /mine answer


class _Refused(Exception):
    """Refused before the workflow was asked; `key` is the catalogue text saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _DryRun(Exception):
    """Raised to roll a trial run back."""


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: done, or refused (a catalogue key, or the workflow's error)."""

    done: bool
    ref: str = ""
    report_id: int = 0
    coordinator_id: int = 0
    refusal: str = ""
    why: WorkflowError | None = None


class Desk:
    """Coordinator actions from Telegram, each in one transaction with its delivery key."""

    def __init__(self, engine: Engine, queue: Queue, *, language: str, tz: ZoneInfo) -> None:
        self.engine, self.queue = engine, queue
        self.language, self.tz = language, tz

    def act(
        self,
        user_id: int,
        action: Action | None,
        *,
        attempted: str,
        delivery: str,
        report_id: int | None = None,
        ref: str | None = None,
        prompt: tuple[int, int] | None = None,
        dry_run: bool = False,
    ) -> Outcome:
        """Check who acts, then do the action once per delivery (or only try it: dry_run)."""
        outcome = Outcome(False, ref=ref or "")
        try:
            with session_scope(self.engine) as session:
                report = _locked(session, report_id, ref)
                coordinator = self._identify(session, user_id, report, attempted, "group")
                if coordinator is None:  # returning commits the record of the attempt
                    return Outcome(False, ref=outcome.ref, refusal="coordinator.refused.unlisted")
                if report is None or report.id is None:
                    return Outcome(False, ref=outcome.ref, refusal="coordinator.tip.unknown")
                outcome = Outcome(True, report.ref, report.id, coordinator.id or 0)
                if find_delivery(session=session, channel=DESK, delivery_key=delivery):
                    return outcome  # acted before a restart: answer again, never act twice
                if prompt is not None:
                    self._use_prompt(session, prompt, coordinator)
                if action is not None:
                    action(session, report, coordinator)
                if dry_run:
                    raise _DryRun
                session.add(Delivery(channel=DESK, delivery_key=delivery))
        except _DryRun:
            return outcome
        except _Refused as refused:
            return Outcome(False, ref=outcome.ref, refusal=refused.key)
        except WorkflowError as refused:
            return Outcome(False, ref=outcome.ref, why=refused)
        log.info("report %s: %s by a coordinator on Telegram", outcome.report_id, attempted)
        dispatch_report(self.engine, self.queue, outcome.report_id)
        return outcome

    def _identify(
        self, session: Session, user_id: int, report: Report | None, attempted: str, where: str
    ) -> Coordinator | None:
        """The allow-listed coordinator acting in the group; anyone else is recorded, and None."""
        coordinator = find_coordinator(session=session, telegram_user_id=user_id)
        if coordinator is not None and where == "group":
            return coordinator
        actor = coordinator.name if coordinator is not None else UNLISTED
        if report is not None and report.id is not None:
            detail = {"via": "telegram", "where": where, "attempted": attempted}
            append_event(
                session=session, report_id=report.id, actor=actor, action="refused", detail=detail
            )
        report_id = report.id if report is not None else None
        log.warning("telegram %s refused in a %s chat (report %s)", attempted, where, report_id)
        return None

    def _use_prompt(
        self, session: Session, prompt: tuple[int, int], coordinator: Coordinator
    ) -> None:
        row = find_prompt(session=session, chat_id=prompt[0], message_id=prompt[1])
        if row is None or row.answered_at is not None or row.created_at < utcnow() - PROMPT_TTL:
            raise _Refused("coordinator.prompt.expired")  # answered, or a day old
        if row.coordinator_id != coordinator.id:
            raise _Refused("coordinator.prompt.not_yours")
        row.answered_at = utcnow()
        session.add(row)

    def refuse_private(self, user_id: int, *, attempted: str, ref: str | None) -> str:
        """A coordinator command in a private chat: recorded (on the tip, if it names one)."""
        with session_scope(self.engine) as session:
            report = get_report(session=session, ref=ref) if ref else None
            self._identify(session, user_id, report, attempted, "private")
        return "coordinator.refused.private"

    def prompt_of(self, chat_id: int, message_id: int) -> ChatPrompt | None:
        """The prompt a reply answers, if the replied-to message is one."""
        with session_scope(self.engine) as session:
            return find_prompt(session=session, chat_id=chat_id, message_id=message_id)

    def save_prompt(self, outcome: Outcome, chat_id: int, message_id: int, action: str) -> None:
        """Remember a prompt message until its reply arrives (a restart keeps it)."""
        with session_scope(self.engine) as session:
            add_prompt(
                session=session,
                chat_id=chat_id,
                message_id=message_id,
                report_id=outcome.report_id,
                coordinator_id=outcome.coordinator_id,
                action=action,
            )

    def card_of(self, report_id: int, now: datetime) -> tuple[Card, TipCard | None] | None:
        """A tip's card as it should look now, and where the group's copy is."""
        with session_scope(self.engine) as session:
            report = session.get(Report, report_id)
            if report is None:
                return None
            view = card(
                report,
                holder=claim_holder(session=session, report=report, now=now),
                language=self.language,
                tz=self.tz,
                now=now,
            )
            return view, find_card(session=session, report_id=report_id)

    def listing(
        self, user_id: int, *, mine: bool, language: str, now: datetime
    ) -> tuple[list[str], Rows] | str:
        """Open tips (or the user's own), one line each, with a button per tip; or a refusal key."""
        with session_scope(self.engine) as session:
            attempted = "mine" if mine else "queue"
            coordinator = self._identify(session, user_id, None, attempted, "group")
            if coordinator is None:
                return "coordinator.refused.unlisted"
            if mine:
                reports = tips_claimed_by(
                    session=session, coordinator_id=coordinator.id or 0, now=now
                )
            else:
                reports = open_queue(session=session, now=now, limit=LISTED)
            lines = [
                queue_line(r, claim_holder(session=session, report=r, now=now), language, now)
                for r in reports[:LISTED]
            ]
            rows = tuple(((r.ref, encode("show", r.id or 0)),) for r in reports[:LISTED])
            return lines, rows


def _locked(session: Session, report_id: int | None, ref: str | None) -> Report | None:
    """The tip, locked until the transaction ends, so two claims can't both win."""
    if report_id is None and ref:
        found = get_report(session=session, ref=ref)
        report_id = found.id if found is not None else None
    if report_id is None:
        return None
    return session.get(Report, report_id, with_for_update=True, populate_existing=True)
