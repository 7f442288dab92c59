"""Plain-text rendering of replies, for channels without buttons (console, WeChat)."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.catalogue import catalogue
from handlers.messages import Reply

__all__ = ["render_text"]


def _menu(reply: Reply, language: str) -> list[str]:
    texts = catalogue()
    lines = []
    keys = [choice.key or str(number) for number, choice in enumerate(reply.choices, start=1)]
    for key, choice in zip(keys, reply.choices, strict=True):
        if reply.multi and choice.value != "done":
            mark = "☑" if choice.value in reply.selected else "☐"
            lines.append(f"{key}. {mark} {choice.label}")
        else:
            lines.append(f"{key}. {choice.label}")
    if reply.multi:
        done = next((k for k, c in zip(keys, reply.choices, strict=True) if c.value == "done"), "")
        lines.append(texts.text(language, "render.reply_numbers", done=done))
    elif keys[0].isalpha():  # a typed number is an answer here: say so, and how to choose
        letters = keys[0] if len(keys) == 1 else f"{keys[0]}–{keys[-1]}"
        lines.append(texts.text(language, "render.reply_letter", letters=letters))
    else:
        lines.append(texts.text(language, "render.reply_number"))
    return lines


def render_text(replies: Sequence[Reply]) -> str:
    """All replies as one message; each reply's choices become a numbered (or lettered) list."""
    language = next((r.language for r in replies if r.language), "en")
    blocks = []
    for reply in replies:
        block = [reply.text]
        if reply.choices:
            block.append("")
            block.extend(_menu(reply, language))
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)
