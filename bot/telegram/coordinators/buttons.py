"""The card's buttons, and replies to the prompts some of them send."""

from __future__ import annotations

import asyncio

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram.convert import delivery_id
from bot.telegram.coordinators.actions import action_for
from bot.telegram.coordinators.card import Card, close_buttons, decode, refer_buttons
from bot.telegram.coordinators.desk import Outcome
from bot.telegram.coordinators.talk import Talk
from storage import utcnow

__all__ = ["Buttons"]

Context = ContextTypes.DEFAULT_TYPE
MENUS = {"close": close_buttons, "refer": refer_buttons}  # buttons that first offer a choice
PROMPTED = ("ask", "note", "refer")  # actions that need the coordinator's words


class Buttons:
    """A press is checked (allow-list, workflow) before anything changes; refusals are alerts."""

    def __init__(self, talk: Talk) -> None:
        self.talk = talk

    async def button(self, update: Update, context: Context) -> None:
        """Refuse outsiders, open a choice, prompt for text, or act on the tip."""
        press = await self.talk.pressed(update, decode)
        if press is None:
            return
        query, message, parsed = press
        user = query.from_user
        verb, report_id, argument = parsed
        if not await self.talk.from_group(query, message, attempted=verb):
            return
        trial = "?" if verb in PROMPTED else ""  # stands in for the words asked for next
        choosing = verb in ("back", "show") or (verb in MENUS and not argument)
        action = None if choosing else action_for(verb, argument, trial, utcnow())
        outcome = await asyncio.to_thread(
            self.talk.desk.act,
            user.id,
            action,
            attempted=verb,
            delivery=delivery_id(update),
            report_id=report_id,
            dry_run=choosing or verb in PROMPTED,
        )
        if not outcome.done:
            await self.talk.answer(query, self.talk.refusal(user, outcome), alert=True)
        elif choosing:
            await self._choose(message, verb, outcome)
            await self.talk.answer(query, alert=False)
        elif verb in PROMPTED:
            await self.talk.prompt(message, user, outcome, ":".join(filter(None, [verb, argument])))
            if argument:  # the referral kinds were showing: put the card's buttons back
                await self._choose(message, "back", outcome)
            await self.talk.answer(query, alert=False)
        else:
            done = self.talk.text(user, f"coordinator.done.{verb}", ref=outcome.ref)
            await self.talk.answer(query, done, alert=False)
            await self.talk.refresh(report_id, message)

    async def _choose(self, message: Message, verb: str, outcome: Outcome) -> None:
        """Show a card, offer a choice on it, or go back to its own buttons."""
        if verb == "show":
            await self.talk.show(message, outcome.report_id)
        elif verb in MENUS:
            rows = MENUS[verb](outcome.report_id, self.talk.language)
            await self.talk.keyboard(message, Card("", rows).markup())
        else:
            view = await asyncio.to_thread(self.talk.desk.card_of, outcome.report_id, utcnow())
            if view is not None:
                await self.talk.keyboard(message, view[0].markup())

    async def reply(self, update: Update, context: Context) -> None:
        """A reply to a prompt: the question, note or referral the prompt asked for."""
        message = update.message
        assert message is not None
        asked, user = message.reply_to_message, message.from_user
        if asked is None or user is None or asked.from_user is None:
            return
        if asked.from_user.id != context.bot.id:
            return  # coordinators talking among themselves
        prompt = await asyncio.to_thread(self.talk.desk.prompt_of, asked.chat.id, asked.message_id)
        if prompt is None:
            return  # a reply to a card or a notice: nothing to do
        verb, _, argument = prompt.action.partition(":")
        outcome = await asyncio.to_thread(
            self.talk.desk.act,
            user.id,
            action_for(verb, argument, message.text or "", utcnow()),
            attempted=verb,
            delivery=delivery_id(update),
            report_id=prompt.report_id,
            prompt=(asked.chat.id, asked.message_id),
        )
        await self.talk.conclude(message, user, verb, outcome)
