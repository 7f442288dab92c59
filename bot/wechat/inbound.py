"""Turning a parsed WeChat message into a channel-neutral `Inbound` (or nothing to answer)."""

from __future__ import annotations

from typing import Any
from xml.parsers.expat import ExpatError

from wechatpy import parse_message
from wechatpy.events import ClickEvent, SubscribeEvent, SubscribeScanEvent
from wechatpy.messages import (
    BaseMessage,
    ImageMessage,
    LocationMessage,
    ShortVideoMessage,
    TextMessage,
    VideoMessage,
    VoiceMessage,
)

from handlers import COMMANDS, Inbound, InboundKind, read_command
from storage import Channel, FieldCipher

__all__ = ["CHANNEL", "LANGUAGE_HINT", "Unreadable", "read"]

CHANNEL = Channel.WECHAT
# WeChat gives no language per message and its public is in China; /language switches.
LANGUAGE_HINT = "zh_CN"
STICKER_PLACEHOLDER = "【收到不支持的消息类型，暂无法显示】"
_MEDIA_TYPES = {
    ImageMessage: "photo",
    VoiceMessage: "voice",
    VideoMessage: "video",
    ShortVideoMessage: "video",
}


class Unreadable(ValueError):
    """The XML passed the checks but is not a message wechatpy can read."""


def read(xml: str, cipher: FieldCipher) -> tuple[BaseMessage, Inbound | None]:
    """The wechatpy message for checked XML and its neutral form; Unreadable if malformed."""
    try:
        message = parse_message(xml)
        # wechatpy converts fields lazily: touch them here so bad values fail now.
        if message is None or not _string(message.source) or not _uint64(message.time):
            raise Unreadable("sender or time missing")
        if not _uint64(message.id):
            raise Unreadable("malformed MsgId")
        return message, to_inbound(message, cipher)
    except Unreadable:
        raise
    # ExpatError: bytes the checks read in their declared encoding (UTF-16, say) and
    # wechatpy, given them as UTF-8, cannot.
    except (KeyError, ValueError, TypeError, AttributeError, ExpatError) as exc:
        raise Unreadable(type(exc).__name__) from exc


def _uint64(value: object) -> bool:
    """True for a MsgId or CreateTime WeChat could send; longer ones overflow the delivery key."""
    return isinstance(value, int) and 0 <= value < 2**64


def _string(value: object) -> str:
    """A text field's value; nested XML where text belongs is unreadable."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Unreadable("nested element where text was expected")
    return value


def _text(content: str) -> tuple[InboundKind, str]:
    typed = content.strip()
    command = read_command(typed)
    if command is not None:
        return InboundKind.COMMAND, command
    if typed == STICKER_PLACEHOLDER:
        return InboundKind.UNSUPPORTED, ""
    return InboundKind.TEXT, typed


def delivery_id(message: BaseMessage, cipher: FieldCipher) -> str:
    """Dedupe key: `wx:{MsgId}`; events (no MsgId) by keyed hash of sender, time and event."""
    if message.id:
        return f"wx:{message.id}"
    sender = cipher.blind_index(f"{CHANNEL}:{message.source}")[:32]  # never the raw OpenID
    return f"wx:{sender}:{message.time}:{getattr(message, 'event', message.type)}"


def to_inbound(message: BaseMessage, cipher: FieldCipher) -> Inbound | None:
    """The neutral message for a WeChat one; None for events that need no answer."""
    fields: dict[str, Any] = {
        "delivery_id": delivery_id(message, cipher),
        "language_hint": LANGUAGE_HINT,
    }
    if isinstance(message, TextMessage):
        kind, text = _text(_string(message.content))
        return Inbound(CHANNEL, message.source, kind, text=text, **fields)
    if isinstance(message, LocationMessage):
        lat, lon = float(message.location_x), float(message.location_y)
        if not (abs(lat) <= 90 and abs(lon) <= 180):  # also false for NaN
            raise Unreadable("location out of range")
        return Inbound(
            CHANNEL, message.source, InboundKind.LOCATION, latitude=lat, longitude=lon, **fields
        )
    media_type = _MEDIA_TYPES.get(type(message))
    if media_type is not None:
        return Inbound(
            CHANNEL,
            message.source,
            InboundKind.MEDIA,
            media_type=media_type,
            media_ref=_string(message.media_id) or None,
            **fields,
        )
    if isinstance(message, SubscribeEvent | SubscribeScanEvent):  # follow (maybe by QR code)
        return Inbound(CHANNEL, message.source, InboundKind.COMMAND, text="start", **fields)
    if isinstance(message, ClickEvent):
        key = _string(message.key).lower()
        if key not in COMMANDS:
            return None
        return Inbound(CHANNEL, message.source, InboundKind.COMMAND, text=key, **fields)
    raw_type = str(getattr(message, "_data", {}).get("MsgType", "")).lower()
    if "event" in (message.type, raw_type):
        return None  # unsubscribe, menu views, location reports, receipts, unknown events
    return Inbound(CHANNEL, message.source, InboundKind.UNSUPPORTED, **fields)
