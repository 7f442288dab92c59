"""Coordinator commands: /queue, /mine, /tip REF, /ask REF text, /note REF text, /help."""

from __future__ import annotations

import asyncio

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot.telegram.convert import delivery_id
from bot.telegram.coordinators.actions import action_for
from bot.telegram.coordinators.card import Card
from bot.telegram.coordinators.talk import Talk
from storage import utcnow

__all__ = ["COMMANDS", "COORDINATOR_ONLY", "Commands"]

COMMANDS = ("queue", "mine", "tip", "ask", "note", "help")  # the group's menu
COORDINATOR_ONLY = COMMANDS[:-1]  # refused in private chats; /help there is the tipsters'
Context = ContextTypes.DEFAULT_TYPE


def _parts(update: Update) -> tuple[Message, User, str]:
    """The message, its sender and the command's name (without a trailing @bot)."""
    message = update.message
    assert message is not None and message.from_user is not None  # the filters ensure it
    verb = (message.text or "/").split()[0][1:].split("@", 1)[0].lower()
    return message, message.from_user, verb


class Commands:
    """What coordinators type in the group; the same commands elsewhere are refused."""

    def __init__(self, talk: Talk) -> None:
        self.talk = talk

    async def queue(self, update: Update, context: Context) -> None:
        """/queue: open tips in queue order, as the dashboard and `homeward tips list` show them."""
        await self._listing(update, mine=False)

    async def mine(self, update: Update, context: Context) -> None:
        """/mine: the tips this coordinator holds a claim on."""
        await self._listing(update, mine=True)

    async def _listing(self, update: Update, *, mine: bool) -> None:
        message, user, verb = _parts(update)
        language = self.talk.language_of(user)
        found = await asyncio.to_thread(
            self.talk.desk.listing, user.id, mine=mine, language=language, now=utcnow()
        )
        if isinstance(found, str):
            await self.talk.say(message, self.talk.text(user, found))
            return
        lines, rows = found
        text = self.talk.text(user, f"coordinator.{verb}.title", count=len(lines))
        if not lines:
            text = self.talk.text(user, f"coordinator.{verb}.empty")
        await self.talk.say(message, "\n".join([text, *lines]), Card(text, rows).markup())

    async def tip(self, update: Update, context: Context) -> None:
        """/tip REF: the tip's card, with its buttons."""
        message, user, _ = _parts(update)
        if not context.args:
            await self.talk.say(message, self.talk.text(user, "coordinator.usage.tip"))
            return
        outcome = await asyncio.to_thread(
            self.talk.desk.act,
            user.id,
            None,
            attempted="tip",
            delivery=delivery_id(update),
            ref=context.args[0],
            dry_run=True,
        )
        if not outcome.done:
            await self.talk.say(message, self.talk.refusal(user, outcome))
            return
        await self.talk.show(message, outcome.report_id)

    async def write(self, update: Update, context: Context) -> None:
        """/ask REF question, /note REF text: what the card's buttons do, in one message."""
        message, user, verb = _parts(update)
        parts = (message.text or "").split(maxsplit=2)
        action = action_for(verb, "", parts[2], utcnow()) if len(parts) == 3 else None
        if action is None:
            await self.talk.say(message, self.talk.text(user, f"coordinator.usage.{verb}"))
            return
        outcome = await asyncio.to_thread(
            self.talk.desk.act,
            user.id,
            action,
            attempted=verb,
            delivery=delivery_id(update),
            ref=parts[1],
        )
        await self.talk.conclude(message, user, verb, outcome)

    async def help(self, update: Update, context: Context) -> None:
        """/help: what coordinators can type here."""
        message, user, _ = _parts(update)
        await self.talk.say(message, self.talk.text(user, "coordinator.help"))

    async def private(self, update: Update, context: Context) -> None:
        """A coordinator command in a private chat: refused, and the attempt recorded."""
        message, user, verb = _parts(update)
        ref = context.args[0] if context.args and verb in ("tip", "ask", "note") else None
        key = await asyncio.to_thread(
            self.talk.desk.refuse_private, user.id, attempted=verb, ref=ref
        )
        await self.talk.say(message, self.talk.text(user, key))
