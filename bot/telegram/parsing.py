"""A webhook body as an update, or MalformedUpdate: what Telegram would never send.

python-telegram-bot builds objects from whatever types arrive, so a body with a list for a
chat id or a number for a text is "parsed" and only fails later, inside a handler. The few
fields every handler relies on are checked here against the Bot API's documented types; a
body failing them can't come from Telegram, so refusing it (400) loses nothing. Everything
else is stored as it came: a stored update is never lost, even one we can't handle yet.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, Message, Update

__all__ = ["MalformedUpdate", "parse_update"]


class MalformedUpdate(ValueError):
    """A webhook body that can't be read as an update, or can't be stored."""


def parse_update(data: dict[str, Any], bot: Bot) -> Update:
    """The update in a webhook body, or MalformedUpdate naming what is wrong."""
    try:
        json.dumps(data, ensure_ascii=False).encode()  # lone surrogates can't be stored
        update = Update.de_json(data, bot)
        _check(update)
    except MalformedUpdate:
        raise
    except Exception as error:  # whatever the parser trips on: missing fields, wrong types…
        raise MalformedUpdate(type(error).__name__) from None
    return update


def _check(update: Update) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and not (isinstance(chat.id, int) and isinstance(chat.type, str)):
        raise MalformedUpdate("chat")
    if user is not None and not (
        isinstance(user.id, int) and isinstance(user.language_code, str | None)
    ):
        raise MalformedUpdate("from")
    query = update.callback_query
    if query is not None and (user is None or not isinstance(query.data, str | None)):
        raise MalformedUpdate("callback_query")  # Telegram always says who tapped what
    for message in (update.message, update.edited_message):
        if message is not None and not _readable(message):
            raise MalformedUpdate("message")


def _readable(message: Message) -> bool:
    """Text, caption and their entities as the Bot API documents them."""
    if not isinstance(message.text, str | None) or not isinstance(message.caption, str | None):
        return False
    return all(
        isinstance(e.type, str) and isinstance(e.offset, int) and isinstance(e.length, int)
        for e in (*message.entities, *message.caption_entities)
    )
