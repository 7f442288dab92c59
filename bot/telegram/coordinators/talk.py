"""Speaking in the coordinators' group: answers, alerts, prompts and cards edited in place."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.error import BadRequest

from bot.telegram.coordinators.desk import Desk, Outcome
from handlers import catalogue
from storage import utcnow

__all__ = ["Talk"]

log = logging.getLogger(__name__)
P = TypeVar("P")


class Talk:
    """The bot's side of the group: every reply goes to one message, in its reader's language."""

    def __init__(self, bot: Bot, desk: Desk, *, chat_id: int | None, language: str) -> None:
        self.bot, self.desk = bot, desk
        self.chat_id, self.language = chat_id, language

    def language_of(self, user: User | None) -> str:
        """A coordinator's catalogue language from their Telegram app, else the group's."""
        code = user.language_code if user is not None else None
        return catalogue().match_language(code) or self.language

    def text(self, user: User | None, key: str, **params: object) -> str:
        """A catalogue text in the user's language."""
        return catalogue().text(self.language_of(user), key, **params)

    def refusal(self, user: User | None, outcome: Outcome) -> str:
        """Why an attempt was refused, for the one who tried."""
        if outcome.why is not None:
            why = outcome.why.text(self.language_of(user))
            return self.text(user, "coordinator.refused.workflow", why=why)
        return self.text(user, outcome.refusal or "coordinator.refused.unlisted", ref=outcome.ref)

    async def say(
        self, message: Message, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        """Answer a message in its chat, as a reply to it."""
        reply = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        return await self.bot.send_message(
            message.chat.id, text, reply_markup=markup, reply_parameters=reply
        )

    async def conclude(self, message: Message, user: User, verb: str, outcome: Outcome) -> None:
        """Say how a typed action ended: why it was refused, or done (and refresh the card)."""
        if not outcome.done:
            await self.say(message, self.refusal(user, outcome))
            return
        await self.say(message, self.text(user, f"coordinator.done.{verb}", ref=outcome.ref))
        await self.refresh(outcome.report_id)

    async def answer(self, query: CallbackQuery, text: str | None = None, *, alert: bool) -> None:
        """Answer a button press: a toast, or an alert only the presser sees."""
        with contextlib.suppress(BadRequest):  # too old after a restart: nothing to undo
            await query.answer(text[:200] if text else None, show_alert=alert)

    async def pressed(
        self, update: Update, decode: Callable[[str], P | None]
    ) -> tuple[CallbackQuery, Message, P] | None:
        """A press of one of our buttons on a message still there, decoded; else it is answered
        quietly (nothing to do) and None."""
        query = update.callback_query
        assert query is not None
        parsed, message = decode(query.data or ""), query.message
        if parsed is None or not isinstance(message, Message):
            await self.answer(query, alert=False)
            return None
        return query, message, parsed

    async def from_group(self, query: CallbackQuery, message: Message, *, attempted: str) -> bool:
        """Whether a press came from the coordinators' group; if not, it is refused (recorded,
        and said in an alert only the presser sees)."""
        if message.chat.id == self.chat_id:
            return True
        user = query.from_user
        key = await asyncio.to_thread(
            self.desk.refuse_private, user.id, attempted=attempted, ref=None
        )
        await self.answer(query, self.text(user, key), alert=True)
        return False

    async def keyboard(self, message: Message, markup: InlineKeyboardMarkup | None) -> None:
        """Swap a card's buttons (closing reasons, referral kinds, or back)."""
        with contextlib.suppress(BadRequest):  # unchanged, or the message is gone
            await self.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
            )

    async def refresh(self, report_id: int, pressed: Message | None = None) -> None:
        """Show the tip as it is now on its card, and on the copy that was pressed."""
        view = await asyncio.to_thread(self.desk.card_of, report_id, utcnow())
        if view is None:
            return
        card, where = view
        targets = {(where.chat_id, where.message_id)} if where is not None else set()
        if pressed is not None:
            targets.add((pressed.chat.id, pressed.message_id))
        for chat_id, message_id in targets:
            try:
                await self.bot.edit_message_text(
                    card.text, chat_id=chat_id, message_id=message_id, reply_markup=card.markup()
                )
            except (
                BadRequest
            ) as error:  # unchanged, or deleted (the worker's next card job reposts)
                log.info("report %s: card not edited (%s)", report_id, type(error).__name__)

    async def show(self, message: Message, report_id: int) -> None:
        """Post a tip's card (with its buttons) as a reply."""
        view = await asyncio.to_thread(self.desk.card_of, report_id, utcnow())
        if view is not None:
            await self.say(message, view[0].text, view[0].markup())

    async def prompt(self, where: Message, user: User, outcome: Outcome, action: str) -> None:
        """Ask one coordinator for text by reply (ForceReply), remembering what it is for."""
        verb, _, kind = action.partition(":")
        kind_label = self.text(user, f"coordinator.referral.{kind}") if kind else ""
        body = self.text(user, f"coordinator.prompt.{verb}", ref=outcome.ref, kind=kind_label)
        name = user.first_name or "?"
        # A mention makes the selective ForceReply open for this coordinator only.
        mention = MessageEntity(MessageEntity.TEXT_MENTION, 0, _utf16(name), user=user)
        sent = await self.bot.send_message(
            where.chat.id,
            f"{name}: {body}",
            entities=[mention],
            reply_markup=ForceReply(selective=True),
        )
        await asyncio.to_thread(
            self.desk.save_prompt, outcome, sent.chat.id, sent.message_id, action
        )


def _utf16(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
