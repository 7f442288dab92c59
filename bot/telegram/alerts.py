"""Case alerts on Telegram: the message with its "I've seen this child" button.

The button's callback data is `alert:<id>:seen`; the same alert opened from its public page
or a forwarded link arrives as `/start alert-<id>` (https://t.me/<bot>?start=alert-<id>).

An alert the family agreed to show the child's photo in goes as `sendPhoto` with the text as
its caption and the button: the first message uploads the JPEG, every later one reuses the
file_id Telegram returned (kept on the alert in the database, so a restarted worker reuses it
too). A caption holds 1024 characters; an alert whose text is longer (long marks) goes as the
photo alone, then the whole text with its button: its reply and "how to stop" lines are what a
shortened caption would cut. Between the two calls the row records that the photo went
(`message.photo_sent()`, committed): if the text then fails, the row is tried again with the
text alone, so that subscriber sees the photo once.

The sender uses the process's kept HTTP connection (`bot.telegram.connection`) for the whole
fan-out: a new client per call (as `httpx.post` makes) cost ~77 ms each here, against
~1.5 ms on a kept connection, and held a worker to ~10 messages/s.
"""

from __future__ import annotations

import json
from typing import Any

from bot.telegram.botapi import BotApi, BotApiError
from bot.telegram.config import TelegramConfig
from triage.alerts import AlertMessage
from triage.alerts.delivery import AlertPhoto
from triage.relay_jobs import DeliveryRefused

__all__ = ["TelegramAlertSender", "deep_link", "seen_callback"]

CAPTION_LIMIT = 1024  # Telegram's, in UTF-16 code units
_PLATFORM = "telegram"


def seen_callback(alert_id: int) -> str:
    """The callback data of an alert's "I've seen this child" button."""
    return f"alert:{alert_id}:seen"


def deep_link(bot_username: str, alert_id: int) -> str:
    """The link that opens the bot on this alert, as its button does."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=alert-{alert_id}"


class TelegramAlertSender:
    """`triage.alerts.AlertSender` for Telegram private chats."""

    def __init__(self, config: TelegramConfig, *, timeout: float = 30.0) -> None:
        # Not counted in the pace as replies are: the fan-out keeps to the pace itself.
        self._api = BotApi(config, timeout=timeout)

    def send_alert(self, message: AlertMessage) -> None:
        """Send the alert (with its button and its photo, if any) or the closing note;
        DeliveryRefused if blocked."""
        payload: dict[str, Any] = {"chat_id": int(message.user_id)}
        if message.seen_button:
            button = {"text": message.seen_button, "callback_data": seen_callback(message.alert_id)}
            payload["reply_markup"] = {"inline_keyboard": [[button]]}
        text = {"text": message.text, "link_preview_options": {"is_disabled": True}}
        try:
            if message.photo is None:
                self._call("sendMessage", {**payload, **text})
            elif _utf16_len(message.text) <= CAPTION_LIMIT:
                self._send_photo(message.photo, {**payload, "caption": message.text})
            else:
                self._send_photo(message.photo, {"chat_id": payload["chat_id"]})
                message.photo_sent()
                self._call("sendMessage", {**payload, **text})
        except BotApiError as error:
            if error.refused:
                raise DeliveryRefused(f"telegram: {error.description}"[:128]) from error
            raise  # flood control past our waits, Telegram down: tried again

    def _send_photo(self, photo: AlertPhoto, payload: dict[str, Any]) -> None:
        """sendPhoto by the file_id uploaded before, else by uploading it (kept for later)."""
        file_id = photo.uploaded(_PLATFORM)
        if file_id is not None:
            try:
                self._call("sendPhoto", {**payload, "photo": file_id})
                return
            except BotApiError as error:
                if not _bad_file(error):
                    raise
                photo.forget(_PLATFORM)  # a new bot token: its file_ids are not ours any more
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        files = {"photo": ("alert-photo.jpg", photo.data(), "image/jpeg")}
        sent = self._call("sendPhoto", form, files=files)
        photo.remember(_PLATFORM, str(sent["photo"][-1]["file_id"]))  # the largest size

    def _call(
        self, method: str, payload: dict[str, Any], files: dict[str, Any] | None = None
    ) -> Any:
        """One Bot API call (a multipart form with `files`), short flood waits waited out."""
        return self._api.post(method, payload, files)


def _utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _bad_file(error: BotApiError) -> bool:
    """True when Telegram does not know a file_id (another bot's, or forgotten)."""
    return error.code == 400 and "file identifier" in error.description.lower()
