"""Neutral replies as Telegram calls: new messages, a tap's answer and next question in place."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.telegram.render import Outgoing, inline_keyboard, render
from bot.telegram.tapped import Tap, accepted, answered_text, next_in_place
from handlers import Reply

__all__ = ["ReplySender"]

log = logging.getLogger(__name__)


def _private(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == "private"


class ReplySender:
    """Turns replies into sendMessage / editMessageText calls for one bot.

    With a webhook, an interview's tap (in a private chat) is answered by the webhook's 200
    (`in_webhook`), not by a call of its own; over long polling every tap is answered by a call.

    The calls go through PTB's own request path (`_call`: the rate limiter, its RetryAfter
    waits and the shared pace, PTB's errors) but their results are not read: `send_message`
    and the edits build a `Message` from Telegram's answer, ~0.2 ms of CPU per reply here,
    and nothing here uses it.
    """

    def __init__(self, bot: Bot, *, webhook: bool = False) -> None:
        self.bot = bot
        self.webhook = webhook
        # Chats showing our location/contact keyboard, so the next plain message can remove
        # it. Lost on restart, which only leaves a harmless button on screen.
        self._keyboards: set[int] = set()

    async def send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        """Send each reply as one message (long ones split), with its keyboard."""
        for reply in replies:
            for message in render(reply):
                await self._send(chat_id, message)

    async def _send(self, chat_id: int, message: Outgoing) -> None:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
        markup = message.inline or message.request
        if message.request is not None:
            self._keyboards.add(chat_id)
        elif message.inline is None and chat_id in self._keyboards:
            markup = ReplyKeyboardRemove()
            self._keyboards.discard(chat_id)
        await self._call("sendMessage", chat_id=chat_id, text=message.text, reply_markup=markup)

    async def _call(self, endpoint: str, **params: object) -> None:
        """One Bot API call the way PTB's methods make it (None values dropped), unread."""
        await self.bot._post(endpoint, params)

    def in_webhook(self, query: CallbackQuery) -> dict[str, str] | None:
        """The answer the webhook's 200 carries for an interview's tap (None: by a call)."""
        if not self.answered(query):
            return None
        return {"method": "answerCallbackQuery", "callback_query_id": query.id}

    def answered(self, query: CallbackQuery) -> bool:
        """Whether the webhook's 200 stopped this button's spinner already."""
        return self.webhook and _private(query)

    async def acknowledge(self, query: CallbackQuery) -> None:
        """Stop the button's spinner; an answer too late to matter is not an error."""
        if self.answered(query):
            return
        with contextlib.suppress(BadRequest):  # "query is too old" after a restart
            await query.answer()

    async def after_tap(self, tap: Tap, replies: Sequence[Reply]) -> None:
        """Answer a tap with one edit where one does (see `bot.telegram.tapped`)."""
        if len(replies) == 1 and replies[0].multi and replies[0].step == tap.step:
            await self._tick(tap, replies[0])
            return
        taken = accepted(tap, replies)
        edit = next_in_place(tap, replies) if taken else None
        if edit is not None:
            try:
                await self._call(
                    "editMessageText",
                    chat_id=tap.chat_id,
                    message_id=tap.message_id,
                    text=edit.text,
                    reply_markup=edit.inline,
                )
                return
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    return  # shown already: this tap was answered before a restart
                # The message is gone (deleted by the tipster): ask afresh below.
                log.info("tapped message not edited; the next question comes as a new one")
                taken = False  # gone: nothing left to show the answer on
        await self._retire(tap, answered_text(tap) if taken else None)
        await self.send(tap.chat_id, replies)

    async def _tick(self, tap: Tap, reply: Reply) -> None:
        """Ticks change in place; the message keeps what it showed above the question."""
        text = tap.text if tap.text and tap.text.endswith(reply.text) else reply.text
        try:
            await self._call(
                "editMessageText",
                chat_id=tap.chat_id,
                message_id=tap.message_id,
                text=text,
                reply_markup=inline_keyboard(reply),
            )
        except BadRequest as error:
            if "not modified" in str(error).lower():  # the same ticks again: nothing to do
                return
            await self._retire(tap)  # the message is gone: ask afresh
            await self.send(tap.chat_id, [reply])

    async def _retire(self, tap: Tap, answered: str | None = None) -> None:
        """Remove the tapped message's buttons so a second tap can't answer a later question;
        an answer taken is shown under its question by the same edit (`answered`)."""
        with contextlib.suppress(BadRequest):  # already removed, or the message is gone
            if answered is not None:
                await self._call(
                    "editMessageText",
                    chat_id=tap.chat_id,
                    message_id=tap.message_id,
                    text=answered,
                )
            else:
                await self._call(
                    "editMessageReplyMarkup", chat_id=tap.chat_id, message_id=tap.message_id
                )

    async def notice(self, chat_id: int, text: str) -> None:
        """A short message outside the interview (groups, edits)."""
        await self._call("sendMessage", chat_id=chat_id, text=text)
