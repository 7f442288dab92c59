"""Neutral replies as Telegram messages: inline keyboards, ticks, location and contact buttons."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from handlers import Reply, catalogue

__all__ = [
    "CALLBACK_LIMIT",
    "TEXT_LIMIT",
    "Outgoing",
    "decode_choice",
    "encode_choice",
    "inline_keyboard",
    "render",
    "request_keyboard",
    "split_text",
]

CALLBACK_LIMIT = 64  # bytes of callback_data Telegram keeps
TEXT_LIMIT = 4096  # characters per message
TICKED, UNTICKED = "☑", "☐"
DONE = "done"


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: text and, at most, one keyboard."""

    text: str
    inline: InlineKeyboardMarkup | None = None
    request: ReplyKeyboardMarkup | None = None


def encode_choice(step: str, value: str) -> str:
    """Button data naming the question and the choice, so an old button can be told apart."""
    data = f"{step}:{value}"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes for step {step}")
    return data


def decode_choice(data: str) -> tuple[str | None, str]:
    """The (step, value) a button stands for; data we did not write has no step."""
    step, sep, value = data.partition(":")
    return (step, value) if sep and step else (None, data)


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per row; a multi-select shows its ticks and a Done button last."""
    if not reply.choices or reply.step is None:
        return None
    rows = []
    for choice in reply.choices:
        text = choice.label
        if reply.multi and choice.value != DONE:
            text = f"{TICKED if choice.value in reply.selected else UNTICKED} {choice.label}"
        data = encode_choice(reply.step, choice.value)
        rows.append([InlineKeyboardButton(text, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def request_keyboard(reply: Reply) -> ReplyKeyboardMarkup | None:
    """A one-tap button to send a location pin or one's own phone number, when asked for."""
    language = reply.language or "en"
    if reply.accepts_location:
        label = catalogue().text(language, "telegram.send_location")
        button = KeyboardButton(label, request_location=True)
    elif reply.accepts_contact:
        label = catalogue().text(language, "telegram.share_contact")
        button = KeyboardButton(label, request_contact=True)
    else:
        return None
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a long text into messages at paragraph or line ends where possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return [p for p in parts if p.strip()] or [text[:limit]]


def render(reply: Reply) -> list[Outgoing]:
    """The messages for one reply; the keyboard rides on the last one."""
    parts = split_text(reply.text)
    last = Outgoing(parts[-1], inline_keyboard(reply), request_keyboard(reply))
    if last.inline is not None and last.request is not None:
        last = Outgoing(last.text, last.inline)  # one keyboard per message: buttons win
    return [Outgoing(p) for p in parts[:-1]] + [last]
