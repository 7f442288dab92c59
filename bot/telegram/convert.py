"""Telegram updates as neutral inbound events: the one place that reads Telegram's types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from telegram import CallbackQuery, Message, MessageEntity, Update, User

from bot.telegram.render import decode_choice
from handlers import Inbound, InboundKind, catalogue, command_name
from storage import Channel

__all__ = [
    "CHANNEL",
    "delivery_id",
    "from_button",
    "from_message",
    "language_hint",
    "notice_language",
]

CHANNEL = Channel.TELEGRAM

# Which attachment becomes which media type (the first one present wins); a photo comes in
# several sizes and the last is the largest.
MEDIA: tuple[tuple[str, Callable[[Message], str | None]], ...] = (
    ("photo", lambda m: m.photo[-1].file_id if m.photo else None),
    ("video", lambda m: m.video.file_id if m.video else None),
    ("video", lambda m: m.video_note.file_id if m.video_note else None),
    ("voice", lambda m: m.voice.file_id if m.voice else None),
    ("audio", lambda m: m.audio.file_id if m.audio else None),
    ("document", lambda m: m.document.file_id if m.document else None),
)


def delivery_id(update: Update) -> str:
    """The key the intake uses to answer a re-delivered update once."""
    return f"tg:{update.update_id}"


def language_hint(user: User | None) -> str | None:
    """The user's Telegram language if we have a catalogue for it, else English."""
    code = user.language_code if user else None
    if not code:
        return None  # unknown: the interview asks
    return code if catalogue().match_language(code) else "en"


def notice_language(user: User | None) -> str:
    """The catalogue language for a notice sent outside the interview."""
    return catalogue().match_language(language_hint(user)) or "en"


def _command(message: Message) -> str | None:
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    return command_name((message.text or "")[: entity.length])  # "/start@our_bot ref" → start


def _argument(message: Message) -> str | None:
    """What follows the command ("/start alert-12" → "alert-12"), if anything."""
    return (message.text or "").partition(" ")[2].strip() or None


def from_message(message: Message, *, delivery: str) -> Inbound:
    """A private message as an inbound event; what the interview can't use is UNSUPPORTED."""
    user = message.from_user
    user_id = str(user.id if user else message.chat.id)
    hint = language_hint(user)

    def inbound(kind: InboundKind, **fields: Any) -> Inbound:
        base = Inbound(CHANNEL, user_id, kind, delivery_id=delivery, language_hint=hint)
        return replace(base, **fields)

    if message.text is not None:
        command = _command(message)
        if command:
            return inbound(InboundKind.COMMAND, text=command, argument=_argument(message))
        return inbound(InboundKind.TEXT, text=message.text)
    if message.location is not None:  # a pin, a live location's start, or a venue
        location = message.location
        return inbound(
            InboundKind.LOCATION, latitude=location.latitude, longitude=location.longitude
        )
    if message.contact is not None:
        # Only the sender's own number, shared with the contact button, is a contact answer;
        # a forwarded card of somebody else is refused.
        if user is None or message.contact.user_id != user.id:
            return inbound(InboundKind.UNSUPPORTED)
        return inbound(InboundKind.CONTACT, phone=message.contact.phone_number)
    for media_type, file_id in MEDIA:
        ref = file_id(message)
        if ref:
            return inbound(
                InboundKind.MEDIA, media_type=media_type, media_ref=ref, text=message.caption or ""
            )
    return inbound(InboundKind.UNSUPPORTED)  # stickers, polls, dice, GIFs, …


def from_button(query: CallbackQuery, *, delivery: str) -> Inbound:
    """A tapped inline button: the choice and the question it belongs to."""
    step, value = decode_choice(query.data or "")
    return Inbound(
        CHANNEL,
        str(query.from_user.id),
        InboundKind.CHOICE,
        text=value,
        step=step,
        delivery_id=delivery,
        language_hint=language_hint(query.from_user),
    )
