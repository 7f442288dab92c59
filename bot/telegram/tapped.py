"""What a tapped question becomes: the answer shown under it, and the next question after it.

One `editMessageText` answers a tap: the tapped message keeps its text, gets a line with the
answer chosen, and the next question with its buttons below; so its old buttons are gone and
the conversation reads as a form filled in. When the next question can't ride in that edit
(a location or contact button, several messages, too long), or the tap was refused or stale,
the tapped message loses its buttons and the reply comes as a new message (two calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Message

from bot.telegram.render import TEXT_LIMIT, TICKED, Outgoing, render
from handlers import Reply, catalogue

__all__ = ["Tap", "accepted", "answered_text", "chosen_label", "next_in_place"]

CHOSEN = "✓"  # marks the answer chosen, under its question


@dataclass(frozen=True)
class Tap:
    """A tapped button: where its message is, what it showed, and what the tap said."""

    chat_id: int
    message_id: int
    step: str | None  # the question the button belongs to (None: not one of ours)
    text: str | None  # the tapped message's text (None if Telegram didn't send it)
    chosen: str | None  # what the tipster chose, as the buttons showed it


def chosen_label(message: Message | None, data: str | None) -> str | None:
    """The tapped button's label; for a multi-select's Done, the ticked choices."""
    markup = message.reply_markup if message is not None else None
    if not isinstance(markup, InlineKeyboardMarkup) or data is None:
        return None
    buttons = [button for row in markup.inline_keyboard for button in row]
    ticked = [b.text.removeprefix(TICKED).strip() for b in buttons if b.text.startswith(TICKED)]
    for button in buttons:
        if button.callback_data == data:
            return "\n".join(f"{CHOSEN} {label}" for label in ticked) or f"{CHOSEN} {button.text}"
    return None


def answered_text(tap: Tap) -> str | None:
    """The tapped message with the answer under it; None if its text is unknown."""
    if tap.text is None:
        return None
    return f"{tap.text}\n{tap.chosen}" if tap.chosen else tap.text


def accepted(tap: Tap, replies: Sequence[Reply]) -> bool:
    """Whether the interview took the tapped answer: it moved on, not for a stale button."""
    if tap.step is None or not replies or replies[0].step == tap.step:
        return False  # not our button, or the same question again (refused)
    texts, first = catalogue(), replies[0].text
    return not any(
        first.startswith(texts.text(language, "error.stale_button")) for language in texts.languages
    )


def next_in_place(tap: Tap, replies: Sequence[Reply]) -> Outgoing | None:
    """The edit that shows the answer and asks the next question, if one edit can."""
    answered = answered_text(tap)
    if answered is None or len(replies) != 1:
        return None
    messages = render(replies[0])
    if len(messages) != 1 or messages[0].request is not None:
        return None  # a location or contact button can't be put on an edited message
    text = f"{answered}\n\n{messages[0].text}"
    return Outgoing(text, messages[0].inline) if len(text) <= TEXT_LIMIT else None
