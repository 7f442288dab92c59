"""The channels a tip can come in by: the names stored with every report and conversation."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Channel"]


class Channel(StrEnum):
    """Where a tip came from (and, for Telegram and WeChat, how a question reaches back)."""

    TELEGRAM = "telegram"
    WECHAT = "wechat"
    CONSOLE = "console"  # a hotline operator typing for a caller
    IMPORT = "import"  # tips brought in from a file
