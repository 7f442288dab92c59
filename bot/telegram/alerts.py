"""Case alerts on Telegram: the message with its "I've seen this child" button.

The button's callback data is `alert:<id>:seen`; the same alert opened from its public page
or a forwarded link arrives as `/start alert-<id>` (https://t.me/<bot>?start=alert-<id>).
"""

from __future__ import annotations

from typing import Any

from bot.telegram.botapi import BotApi, BotApiError
from triage.alerts import AlertMessage
from triage.relay_jobs import DeliveryRefused

__all__ = ["TelegramAlertSender", "deep_link", "seen_callback"]


def seen_callback(alert_id: int) -> str:
    """The callback data of an alert's "I've seen this child" button."""
    return f"alert:{alert_id}:seen"


def deep_link(bot_username: str, alert_id: int) -> str:
    """The link that opens the bot on this alert, as its button does."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=alert-{alert_id}"


class TelegramAlertSender:
    """`triage.alerts.AlertSender` for Telegram private chats."""

    def __init__(self, api: BotApi) -> None:
        self.api = api

    def send_alert(self, message: AlertMessage) -> None:
        """Send the alert (with its button) or the closing note; DeliveryRefused if blocked."""
        markup: dict[str, Any] | None = None
        if message.seen_button:
            button = {"text": message.seen_button, "callback_data": seen_callback(message.alert_id)}
            markup = {"inline_keyboard": [[button]]}
        try:
            self.api.call(
                "sendMessage",
                chat_id=int(message.user_id),
                text=message.text,
                reply_markup=markup,
                link_preview_options={"is_disabled": True},
            )
        except BotApiError as error:
            if error.refused:
                raise DeliveryRefused(f"telegram: {error.description}"[:128]) from error
            raise  # flood control past BotApi's waits, Telegram down: tried again
