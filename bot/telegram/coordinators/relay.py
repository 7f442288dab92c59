"""The anonymous relay on Telegram: a coordinator's question in the tipster's private chat."""

from __future__ import annotations

import logging

from bot.telegram.botapi import BotApi, BotApiError
from handlers import catalogue
from triage.relay_jobs import DeliveryRefused

__all__ = ["TelegramRelaySender"]

log = logging.getLogger(__name__)
QUESTION_LIMIT = 3000  # leaves room for the wording within Telegram's 4096 characters


class TelegramRelaySender:
    """`triage.relay_jobs.RelaySender` for Telegram: the bot asks; no coordinator is named."""

    def __init__(self, api: BotApi) -> None:
        self.api = api

    def send_question(self, user_id: str, *, language: str, ref: str, question: str) -> None:
        """Send the question in the tipster's language; DeliveryRefused if they blocked the bot."""
        text = catalogue().text(
            language, "relay.question", ref=ref, question=question[:QUESTION_LIMIT]
        )
        try:
            self.api.call("sendMessage", chat_id=int(user_id), text=text)
        except BotApiError as error:
            if error.refused:
                raise DeliveryRefused(f"telegram: {error.description}"[:128]) from error
            raise  # flood control, Telegram down: the relay job is retried
