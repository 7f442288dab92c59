"""The dashboard's languages: UI text from the gettext catalogue, labels for stored values."""

from __future__ import annotations

from datetime import tzinfo

from handlers import catalogue
from triage.readable import Reader

__all__ = ["LANGUAGES", "Texts", "pick_language"]

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"  # coordinators work in China; English is one click away
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


def pick_language(chosen: object, accept_language: str | None) -> str:
    """The language chosen in the session, else the browser's preference, else Chinese."""
    if chosen in LANGUAGES:
        return str(chosen)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh_CN"
        if code.startswith("en"):
            return "en"
    return DEFAULT


class Texts:
    """UI text in one language: `t("queue.title")` reads `dashboard.queue.title`."""

    def __init__(self, language: str, tz: tzinfo) -> None:
        self.language = language
        self.html_lang = HTML_LANG.get(language, language)
        self._catalogue = catalogue()
        self.read = Reader(language, tz)  # stored values, reasons and events in words

    def __call__(self, key: str, **params: object) -> str:
        """The text of a `dashboard.*` key."""
        return self._catalogue.text(self.language, f"dashboard.{key}", **params)

    def label(self, kind: str, value: object) -> str:
        """A stored value (a status, a sign…) in words, or the value itself if unnamed."""
        return self.read.label(kind, value)
