"""PTB handlers: which Telegram update goes where, and each one's few lines of work."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telegram import Bot, BotCommand, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.telegram.convert import delivery_id, from_button, from_message, notice_language
from bot.telegram.interview_turns import InterviewTurns
from bot.telegram.replying import ReplySender
from bot.telegram.tapped import Tap, chosen_label
from handlers import InboundKind, catalogue

if TYPE_CHECKING:
    from bot.telegram.coordinators import CoordinatorGroup

__all__ = ["MENU", "Conversation", "menu", "set_menus"]

log = logging.getLogger(__name__)
MENU = ("start", "help", "back", "skip", "language", "cancel", "subscribe", "unsubscribe")
Context = ContextTypes.DEFAULT_TYPE


def menu(language: str) -> list[BotCommand]:
    """The command menu in one catalogue language."""
    return [BotCommand(name, catalogue().text(language, f"telegram.menu.{name}")) for name in MENU]


async def set_menus(bot: Bot, coordinators: CoordinatorGroup) -> None:
    """The command menu in every catalogue language (English is the default)."""
    for language in catalogue().languages:
        code = None if language == "en" else language.split("_")[0]
        try:
            await bot.set_my_commands(menu(language), language_code=code)
        except TelegramError as error:  # only the menu is missing; the bot still works
            log.warning("command menu (%s) not set: %s", language, type(error).__name__)
    try:
        await coordinators.set_menu()
    except TelegramError as error:
        log.warning("coordinators' command menu not set: %s", type(error).__name__)


class Conversation:
    """The interview on Telegram: private messages and taps go to the intake, replies come back."""

    def __init__(self, turns: InterviewTurns, sender: ReplySender) -> None:
        self.turns = turns
        self.sender = sender
        self.taps = CallbackQueryHandler(self.button)  # the row whose taps the webhook answers

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """The whole adapter as one table; the first matching row handles an update."""
        private, message = filters.ChatType.PRIVATE, filters.UpdateType.MESSAGE
        return [
            MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, self.edited),
            MessageHandler(message & private, self.message),
            self.taps,
            MessageHandler(message & ~private, self.group),
        ]

    async def message(self, update: Update, context: Context) -> None:
        """Hand a private message to the interview; send what it answers."""
        assert update.message is not None
        inbound = from_message(update.message, delivery=delivery_id(update))
        replies = await self.turns.handle(inbound)
        await self.sender.send(update.message.chat.id, replies)

    async def button(self, update: Update, context: Context) -> None:
        """Acknowledge a tap (unless the webhook did), hand the choice to the interview, then
        show answer and next."""
        query = update.callback_query
        assert query is not None
        if query.message is None or query.message.chat.type != "private":
            await self.sender.acknowledge(query)
            return  # we never put buttons anywhere else
        inbound = from_button(query, delivery=delivery_id(update))
        handled = self.turns.handle(inbound)
        if self.sender.answered(query):  # by the webhook's 200
            replies = await handled
        else:  # the spinner stops while the interview runs, not before it: one wait, not two
            replies, _ = await asyncio.gather(handled, self.sender.acknowledge(query))
        shown = query.message if isinstance(query.message, Message) else None
        tap = Tap(
            query.message.chat.id,
            query.message.message_id,
            inbound.step,
            shown.text if shown is not None else None,
            chosen_label(shown, query.data),
        )
        await self.sender.after_tap(tap, replies)

    async def edited(self, update: Update, context: Context) -> None:
        """An edit is not an answer: the interview says how to change one and asks again."""
        edited = update.edited_message
        assert edited is not None
        if edited.location is not None:
            return  # a live location moving: the first position was the answer
        inbound = replace(
            from_message(edited, delivery=delivery_id(update)), kind=InboundKind.EDITED, text=""
        )
        replies = await self.turns.handle(inbound)
        await self.sender.send(edited.chat.id, replies)
        log.info("update %s: edited message not read", update.update_id)

    async def group(self, update: Update, context: Context) -> None:
        """In a group, point to the private chat; nothing is stored."""
        assert update.message is not None
        language = notice_language(update.message.from_user)
        username = context.bot.username
        text = catalogue().text(language, "telegram.private_only", bot=username)
        await self.sender.notice(update.message.chat.id, text)
