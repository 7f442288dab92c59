"""Confirm / Dismiss on the group's match notice: a coordinator's verdict, under their name.

A press is checked like every coordinator button (allow-list, the workflow's claim rule,
once per delivery) and the verdict goes through `triage.decisions`, so it is recorded and
feeds match calibration as a verdict from the dashboard or the CLI does. The notice is then
edited to say the verdict and who gave it, without its buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlmodel import Session
from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram.convert import delivery_id
from bot.telegram.coordinators.talk import Talk
from handlers import catalogue
from storage import Coordinator, RegistryEntry, Report, utcnow
from triage.decisions import decide_match
from triage.errors import WorkflowError

__all__ = ["PREFIX", "Verdicts", "noticed_verdict", "verdict_markup"]

PREFIX = "mv"  # callback data: mv:<confirm|dismiss>:<report id>:<registry entry id>
VERBS = {"confirm": True, "dismiss": False}
LABELS = {
    "confirm": "coordinator.button.match_confirm",
    "dismiss": "coordinator.button.match_dismiss",
}
Context = ContextTypes.DEFAULT_TYPE


def verdict_markup(report_id: int, entry_id: int, language: str) -> dict[str, Any]:
    """The notice's Confirm / Dismiss buttons, as Bot API JSON."""
    buttons = [
        {
            "text": catalogue().text(language, LABELS[verb]),
            "callback_data": f"{PREFIX}:{verb}:{report_id}:{entry_id}",
        }
        for verb in VERBS
    ]
    return {"inline_keyboard": [buttons]}


def noticed_verdict(
    notice: str,
    language: str,
    *,
    confirmed: bool,
    name: str,
    case: str,
    through: str | None = None,
) -> str:
    """A match notice's text with the verdict and who gave it (its buttons are then removed);
    `through`: the other tip of the same child it was given on."""
    state = "confirmed" if confirmed else "dismissed"
    lines = [
        notice,
        catalogue().text(language, f"review.telegram.verdict.{state}", name=name, case=case),
    ]
    if through:
        lines.append(catalogue().text(language, "review.through_case", ref=through))
    return "\n".join(lines).strip()


def decode(data: str) -> tuple[str, int, int] | None:
    """(verb, report id, entry id) of a verdict button, or None if it isn't one."""
    parts = data.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in VERBS:
        return None
    if not (parts[2].isdecimal() and parts[3].isdecimal()):
        return None
    return parts[1], int(parts[2]), int(parts[3])


class Verdicts:
    """The verdict buttons of match notices in the coordinators' group."""

    def __init__(self, talk: Talk) -> None:
        self.talk = talk

    async def press(self, update: Update, context: Context) -> None:
        """Record the verdict under the presser's name and say it on the notice; else refuse."""
        press = await self.talk.pressed(update, decode)
        if press is None:
            return
        query, message, parsed = press
        user = query.from_user
        verb, report_id, entry_id = parsed
        attempted = f"match_{verb}"
        if not await self.talk.from_group(query, message, attempted=attempted):
            return
        decided: dict[str, str] = {}

        def action(session: Session, report: Report, coordinator: Coordinator) -> None:
            entry = session.get(RegistryEntry, entry_id)
            if entry is None:
                raise WorkflowError(
                    "workflow.not_a_proposed_match", case_id=str(entry_id), ref=report.ref
                )
            decide_match(
                session=session,
                report=report,
                case_id=entry.case_id,
                coordinator=coordinator,
                confirm=VERBS[verb],
                now=utcnow(),
            )
            decided.update(name=coordinator.name, case=entry.case_id)

        outcome = await asyncio.to_thread(
            self.talk.desk.act,
            user.id,
            action,
            attempted=attempted,
            delivery=delivery_id(update),
            report_id=report_id,
        )
        if not outcome.done:
            await self.talk.answer(query, self.talk.refusal(user, outcome), alert=True)
            return
        state = "confirmed" if VERBS[verb] else "dismissed"
        await self.talk.answer(
            query, self.talk.text(user, f"review.telegram.done.{state}"), alert=False
        )
        if decided:  # not a re-delivery of a press already acted on
            await self._say_on_notice(message, VERBS[verb], decided)

    async def _say_on_notice(
        self, message: Message, confirmed: bool, decided: dict[str, str]
    ) -> None:
        """Edit the notice at once (the worker's edit of it then changes nothing); no buttons."""
        text = noticed_verdict(
            message.text or "", self.talk.language, confirmed=confirmed, **decided
        )
        with contextlib.suppress(BadRequest):  # deleted meanwhile: the verdict is recorded
            await self.talk.bot.edit_message_text(
                text,
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=None,
            )
