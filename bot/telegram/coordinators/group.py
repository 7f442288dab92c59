"""The coordinators' group as one table of PTB handlers, placed before the tipsters' ones."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram.coordinators.buttons import Buttons
from bot.telegram.coordinators.card import PREFIX
from bot.telegram.coordinators.commands import COMMANDS, COORDINATOR_ONLY, Commands
from bot.telegram.coordinators.desk import Desk
from bot.telegram.coordinators.talk import Talk
from bot.telegram.coordinators.verdicts import PREFIX as VERDICT
from bot.telegram.coordinators.verdicts import Verdicts
from bot.wiring import Services
from handlers import catalogue

__all__ = ["CoordinatorGroup"]

Context = ContextTypes.DEFAULT_TYPE


class CoordinatorGroup:
    """Commands, card buttons and prompt replies from `COORDINATOR_CHAT_ID`."""

    def __init__(self, svc: Services, bot: Bot, *, language: str) -> None:
        self.chat_id = svc.settings.coordinator_chat_id
        tz = ZoneInfo(svc.settings.homeward_timezone)
        desk = Desk(svc.engine, svc.queue, language=language, tz=tz)
        self.talk = Talk(bot, desk, chat_id=self.chat_id, language=language)
        self.commands, self.buttons = Commands(self.talk), Buttons(self.talk)
        self.verdicts = Verdicts(self.talk)

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Which update goes where; the first matching row handles it."""
        new = filters.UpdateType.MESSAGE  # an edited command does nothing twice
        private = filters.ChatType.PRIVATE & new
        rows: list[BaseHandler[Any, Any, Any]] = [
            CommandHandler(COORDINATOR_ONLY, self.commands.private, filters=private),
            CallbackQueryHandler(self.buttons.button, pattern=f"^{PREFIX}:"),
            CallbackQueryHandler(self.verdicts.press, pattern=f"^{VERDICT}:"),
        ]
        if self.chat_id is None:
            return rows
        group = filters.Chat(chat_id=self.chat_id)
        c = self.commands
        return [
            *rows,
            CommandHandler(("queue",), c.queue, filters=group & new),
            CommandHandler(("mine",), c.mine, filters=group & new),
            CommandHandler(("tip",), c.tip, filters=group & new),
            CommandHandler(("ask", "note"), c.write, filters=group & new),
            CommandHandler(("help",), c.help, filters=group & new),
            MessageHandler(group & new & filters.REPLY & filters.TEXT, self.buttons.reply),
            MessageHandler(group, self._ignore),  # the coordinators' own talk
        ]

    async def _ignore(self, update: Update, context: Context) -> None:
        """Say nothing to what coordinators tell each other."""

    async def set_menu(self) -> None:
        """The group's command menu, in the group's language."""
        if self.chat_id is None:
            return
        language = self.talk.language
        commands = [
            BotCommand(name, catalogue().text(language, f"coordinator.menu.{name}"))
            for name in COMMANDS
        ]
        await self.talk.bot.set_my_commands(commands, scope=BotCommandScopeChat(self.chat_id))
