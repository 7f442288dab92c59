"""How a typed message becomes a command, on every channel.

A whole message that is a slash word ("/start", "／帮助", "/start@our_bot") is that command;
so is a whole message that is one of a command's words in any language ("开始", "help", "帮助。"),
read as `Catalogue.said` reads any answer. Anything else is text for the interview.
Telegram marks its commands itself (a bot_command entity, which may carry a deep link's
payload after a space) and only needs `command_name`; WeChat and the console read text.
"""

from __future__ import annotations

from handlers.catalogue import catalogue
from handlers.commands import COMMANDS

__all__ = ["command_name", "read_command"]

_SLASHES = ("/", "／")


def command_name(slashed: str) -> str:
    """The command a slash word names: "/Start@our_bot" → "start"."""
    return slashed[1:].split("@", 1)[0].lower()


def read_command(typed: str) -> str | None:
    """The command a whole typed message is, or None if it is text."""
    text = typed.strip()
    if text.startswith(_SLASHES) and len(text) > 1 and not any(c.isspace() for c in text):
        return command_name(text)
    texts = catalogue()
    return next((name for name in COMMANDS if texts.said(f"command.words.{name}", text)), None)
