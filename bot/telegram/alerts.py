"""Case alerts on Telegram: the message with its "I've seen this child" button.

The button's callback data is `alert:<id>:seen`; the same alert opened from its public page
or a forwarded link arrives as `/start alert-<id>` (https://t.me/<bot>?start=alert-<id>).

The sender uses the process's kept HTTP connection (`bot.telegram.connection`) for the whole
fan-out: a new client per call (as `httpx.post` makes) cost ~77 ms each here, against
~1.5 ms on a kept connection, and held a worker to ~10 messages/s.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.telegram.botapi import BotApiError
from bot.telegram.config import TelegramConfig
from bot.telegram.connection import bot_api_client
from triage.alerts import AlertMessage
from triage.relay_jobs import DeliveryRefused

__all__ = ["TelegramAlertSender", "deep_link", "seen_callback"]

log = logging.getLogger(__name__)
_MAX_WAIT = 30.0  # a longer flood wait goes back to the fan-out, which is retried later
_ATTEMPTS = 3


def seen_callback(alert_id: int) -> str:
    """The callback data of an alert's "I've seen this child" button."""
    return f"alert:{alert_id}:seen"


def deep_link(bot_username: str, alert_id: int) -> str:
    """The link that opens the bot on this alert, as its button does."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=alert-{alert_id}"


class TelegramAlertSender:
    """`triage.alerts.AlertSender` for Telegram private chats."""

    def __init__(self, config: TelegramConfig, *, timeout: float = 30.0) -> None:
        self._url = f"{config.api_base_url}{config.token}/sendMessage"
        self._timeout = timeout

    def send_alert(self, message: AlertMessage) -> None:
        """Send the alert (with its button) or the closing note; DeliveryRefused if blocked."""
        payload: dict[str, Any] = {
            "chat_id": int(message.user_id),
            "text": message.text,
            "link_preview_options": {"is_disabled": True},
        }
        if message.seen_button:
            button = {"text": message.seen_button, "callback_data": seen_callback(message.alert_id)}
            payload["reply_markup"] = {"inline_keyboard": [[button]]}
        try:
            self._call(payload)
        except BotApiError as error:
            if error.refused:
                raise DeliveryRefused(f"telegram: {error.description}"[:128]) from error
            raise  # flood control past our waits, Telegram down: tried again

    def _call(self, payload: dict[str, Any]) -> None:
        """sendMessage; short flood waits (429) are waited out, as BotApi does."""
        for attempt in range(_ATTEMPTS):
            response = bot_api_client().post(self._url, json=payload, timeout=self._timeout)
            body = response.json()
            if body.get("ok"):
                return
            code = int(body.get("error_code") or response.status_code)
            wait = float((body.get("parameters") or {}).get("retry_after") or 0)
            if code == 429 and wait <= _MAX_WAIT and attempt + 1 < _ATTEMPTS:
                log.warning("alert fan-out: Telegram asked us to wait %.0fs", wait)
                time.sleep(wait)
                continue
            raise BotApiError("sendMessage", code, str(body.get("description", "")))
