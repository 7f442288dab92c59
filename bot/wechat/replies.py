"""What goes back to WeChat: one text message per reply, split where WeChat would cut it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import to_text

from handlers import Reply, render_text

__all__ = ["MAX_TEXT_BYTES", "reply_xml", "split_text", "text_parts"]

# WeChat truncates text messages past 2048 bytes (about 680 Chinese characters).
MAX_TEXT_BYTES = 2000


def _pieces(line: str, limit: int) -> Iterator[str]:
    """A line cut into pieces of at most `limit` UTF-8 bytes (only overlong lines are cut)."""
    piece = ""
    for char in line:
        if len((piece + char).encode()) > limit:
            yield piece
            piece = ""
        piece += char
    yield piece


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """The text in as few messages as possible, each within `limit` bytes; [] if blank."""
    parts: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        for piece in _pieces(line, limit):
            candidate = piece if current is None else f"{current}\n{piece}"
            if len(candidate.encode()) <= limit:
                current = candidate
                continue
            if current is not None and current.strip():
                parts.append(current)
            current = piece
    if current is not None and current.strip():
        parts.append(current)
    return parts


def text_parts(replies: Sequence[Reply]) -> list[str]:
    """The replies rendered as numbered-option text and split into sendable messages."""
    return split_text(render_text(replies))


def _cdata(value: object) -> str:
    """A value for wechatpy's CDATA fields, which don't split a `]]>` (it ends the section)."""
    return str(to_text(value)).replace("]]>", "]]]]><![CDATA[>")


def reply_xml(message: BaseMessage, text: str) -> str:
    """A passive text reply to `message` (sender and recipient swapped)."""
    # The text may quote the tipster's answers (the review does), and they may hold "]]>".
    reply = TextReply(
        source=_cdata(message.target), target=_cdata(message.source), content=_cdata(text)
    )
    return str(reply.render())
