"""Plain-text rendering of replies, for channels without buttons (console, WeChat)."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.catalogue import catalogue
from handlers.messages import Reply

__all__ = ["render_text"]


def _menu(reply: Reply, language: str) -> list[str]:
    texts = catalogue()
    lines = []
    for number, choice in enumerate(reply.choices, start=1):
        if reply.multi and choice.value != "done":
            mark = "☑" if choice.value in reply.selected else "☐"
            lines.append(f"{number}. {mark} {choice.label}")
        else:
            lines.append(f"{number}. {choice.label}")
    if reply.multi:
        done = next((str(n) for n, c in enumerate(reply.choices, 1) if c.value == "done"), "")
        lines.append(texts.text(language, "render.reply_numbers", done=done))
    else:
        lines.append(texts.text(language, "render.reply_number"))
    return lines


def render_text(replies: Sequence[Reply]) -> str:
    """All replies as one message; each reply's choices become a numbered list."""
    language = next((r.language for r in replies if r.language), "en")
    blocks = []
    for reply in replies:
        block = [reply.text]
        if reply.choices:
            block.append("")
            block.extend(_menu(reply, language))
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)
