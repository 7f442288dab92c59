"""Coordinators in the Telegram group, as a story: `alice.taps("Claim", on=card)`, `alice.says("/queue")`.

The bot runs for real (PTB against the fake Bot API, updates through the webhook), and the
worker's jobs run in this process on the test Redis with the Telegram notifier and relay.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from rq import Queue, SimpleWorker
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.telegram.coordinators import telegram_worker
from bot.wiring import Services
from storage import ReportEvent, Role, session_scope
from storage.coordinators import add_coordinator
from storage.reports import get_report
from tests.bot.telegram_helpers import FAST, RunningBot, TelegramTipster
from tests.fakes.telegram_api import Call
from tests.fakes.telegram_updates import UpdateFactory
from triage import Runtime, configure

GROUP = -1001234567890
ENGLISH = replace(FAST, coordinator_language="en")  # cards in English, for readable tests


@dataclass
class Shown:
    """A bot message in a chat as it looks now (edits and keyboard swaps applied)."""

    chat_id: int
    message_id: int
    text: str
    markup: dict[str, Any] | None

    @property
    def buttons(self) -> list[str]:
        """Its inline buttons' labels, top to bottom."""
        return [b["text"] for row in (self.markup or {}).get("inline_keyboard", []) for b in row]


def shown(bot: RunningBot, chat_id: int, message_id: int) -> Shown:
    """Replay the bot's calls to see a message as its chat sees it now."""
    now = Shown(chat_id, message_id, "", None)
    for call in bot.fake.calls():
        if call.error_code or call.params.get("chat_id") != chat_id:
            continue
        result = call.result if isinstance(call.result, dict) else {}
        sent = call.is_("sendMessage") and result.get("message_id") == message_id
        edited = call.params.get("message_id") == message_id
        if sent or (edited and call.is_("editMessageText")):
            now.text, now.markup = call.params["text"], call.params.get("reply_markup")
        elif edited and call.is_("editMessageReplyMarkup"):
            now.markup = call.params.get("reply_markup")
    return now


def shown_now(bot: RunningBot, message: Shown) -> Shown:
    """The same message as it looks now."""
    return shown(bot, message.chat_id, message.message_id)


def group_messages(bot: RunningBot) -> list[Shown]:
    """Every message the bot posted in the group, as it looks now, oldest first."""
    sent = [c for c in bot.fake.calls("sendMessage") if not c.error_code]
    ids = [c.result["message_id"] for c in sent if c.params.get("chat_id") == GROUP]
    return [shown(bot, GROUP, i) for i in ids]


def card_of(bot: RunningBot, ref: str) -> Shown:
    """The tip's card in the group (the first message with its reference and buttons)."""
    for message in group_messages(bot):
        titled = message.text.startswith(ref) or f"\n{ref} ·" in message.text
        if titled and message.markup:
            return message
    raise AssertionError(f"no card for {ref} in the group")


class TelegramCoordinator:
    """Someone in the coordinators' group (on the allow-list or not)."""

    def __init__(
        self,
        bot: RunningBot,
        updates: UpdateFactory,
        user_id: int,
        name: str,
        *,
        language_code: str = "en",
    ) -> None:
        self.bot, self.updates, self.name = bot, updates, name
        self.user = updates.user(user_id, first_name=name, language_code=language_code)

    def _deliver(self, update: dict[str, Any]) -> None:
        self.bot.deliver(update)
        self.bot.settle()

    def says(self, text: str, *, chat_id: int = GROUP) -> Shown:
        """Type in the group (or another chat); the bot's answer to it."""
        if text.startswith("/"):
            command, _, args = text.partition(" ")
            update = self.updates.command(chat_id, command, args, user=self.user)
        else:
            update = self.updates.text(chat_id, text, user=self.user)
        self._deliver(update)
        return self.answer_to(update["message"]["message_id"], chat_id)

    def says_privately(self, text: str) -> Shown:
        """Type in a private chat with the bot."""
        return self.says(text, chat_id=self.user["id"])

    def answer_to(self, message_id: int, chat_id: int = GROUP) -> Shown:
        """The bot's message replying to one of ours."""
        for call in reversed(self.bot.fake.calls("sendMessage")):
            reply = call.params.get("reply_parameters") or {}
            if call.params.get("chat_id") == chat_id and reply.get("message_id") == message_id:
                return shown(self.bot, chat_id, call.result["message_id"])
        raise AssertionError(f"no answer to message {message_id}")

    def taps(self, label: str, *, on: Shown) -> Call:
        """Press a button on a message as it looks now; Telegram's answer to the press."""
        now = shown(self.bot, on.chat_id, on.message_id)
        for row in (now.markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    update = self.updates.callback(
                        on.chat_id,
                        button["callback_data"],
                        message_id=on.message_id,
                        message_text=now.text,
                        reply_markup=now.markup,
                        user=self.user,
                    )
                    self._deliver(update)
                    query_id = update["callback_query"]["id"]
                    answers = self.bot.fake.calls("answerCallbackQuery")
                    return next(c for c in answers if c.params["callback_query_id"] == query_id)
        raise AssertionError(f"no button {label!r} in {now.buttons}")

    def replies(self, text: str, *, to: Shown, answered: bool = True) -> Shown | None:
        """Reply to a bot message (a prompt); the bot's answer, if one is expected."""
        original = {
            "message_id": to.message_id,
            "date": int(time.time()),
            "chat": self.updates.chat(to.chat_id),
            "from": self.updates.bot_user,
            "text": to.text,
        }
        message = self.updates.message(
            to.chat_id, user=self.user, text=text, reply_to_message=original
        )
        self._deliver(self.updates.update(message=message))
        return self.answer_to(message["message_id"], to.chat_id) if answered else None

    def last_prompt(self) -> Shown:
        """The latest ForceReply prompt in the group."""
        for call in reversed(self.bot.fake.calls("sendMessage")):
            if "force_reply" in (call.params.get("reply_markup") or {}):
                return shown(self.bot, GROUP, call.result["message_id"])
        raise AssertionError("no prompt in the group")


def listed(engine: Engine, name: str, user_id: int, role: Role = Role.COORDINATOR) -> None:
    """Put someone on the allow-list with their Telegram id."""
    with session_scope(engine) as session:
        add_coordinator(session=session, name=name, role=role, telegram_user_id=user_id)


def configure_worker(svc: Services) -> None:
    """Jobs in this process use the Telegram notifier (English cards) and relay."""
    notifier, sender = telegram_worker(svc, options=ENGLISH)
    assert notifier is not None
    runtime = Runtime(
        database_url=str(svc.engine.url.render_as_string(hide_password=False)),
        notifier=notifier,
        senders={"telegram": sender},
        cipher=svc.cipher,
    )
    configure(runtime)


def work(queue: Queue) -> None:
    """Run every queued job, including the ones they queue."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def events(engine: Engine, ref: str) -> list[tuple[str, str]]:
    """(actor, action) of a tip's event log, in order."""
    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        rows = session.exec(select(ReportEvent).where(ReportEvent.report_id == report.id))
        return [(e.actor, e.action) for e in rows]


def reference_in(text: str) -> str:
    """The reference code a receipt shows (the code itself may contain "HW")."""
    found = re.search(r"HW-[0-9A-Z]{4}-[0-9A-Z]{2}", text)
    assert found, "no reference code in the receipt"
    return found.group()


def submit_sighting(tipster: TelegramTipster) -> str:
    """An English sighting of a frightened boy there right now (imminent); its reference."""
    tipster.says("/start")
    tipster.taps("I saw a child who may have been taken")
    tipster.taps("Continue")
    tipster.sends_location(30.6586, 104.0648)  # Chengdu
    tipster.taps("Right now")
    tipster.taps("The child is there now")
    tipster.taps("Boy")
    tipster.says("5")
    for _ in range(4):  # appearance, names used, name given, what the child said
        tipster.says("/skip")
    tipster.taps("Cantonese")
    tipster.taps("Yes, it's different")
    tipster.taps("Seems afraid of the adults")
    tipster.taps("Done")
    tipster.says("/skip")  # the adults
    tipster.taps("Done")  # no photos
    tipster.taps("Leave a phone number")
    tipster.shares_contact("+8613800138000")
    tipster.taps("Submit")
    return reference_in(tipster.text)
