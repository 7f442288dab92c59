"""The dashboard's languages: UI text from the gettext catalogue, labels for stored values."""

from __future__ import annotations

from typing import Any

from handlers import catalogue
from triage.matching.reasons import reason_text

__all__ = ["LANGUAGES", "Texts", "pick_language"]

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"  # coordinators work in China; English is one click away
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}

# Stored values (statuses, kinds, signs…) → where the catalogue names them.
LABEL_KEYS = {
    "status": "dashboard.status.",
    "kind": "dashboard.kind.",
    "close": "dashboard.close.",
    "event": "dashboard.event.",
    "referral": "dashboard.referral.",
    "role": "dashboard.role.",
    "media": "dashboard.media.",
    "channel": "dashboard.channel.",
    "dialect": "choice.dialect.",
    "sign": "choice.signs.",
    "presence": "choice.presence.",
    "sex": "choice.child_sex.",
    "differs": "choice.dialect_differs.",
}


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

    def __init__(self, language: str) -> None:
        self.language = language
        self.html_lang = HTML_LANG.get(language, language)
        self._catalogue = catalogue()

    def __call__(self, key: str, **params: object) -> str:
        """The text of a `dashboard.*` key."""
        return self._catalogue.text(self.language, f"dashboard.{key}", **params)

    def label(self, kind: str, value: object) -> str:
        """A stored value (a status, a sign…) in words, or the value itself if unnamed."""
        if value is None or value == "":
            return self("value.none")
        key = LABEL_KEYS[kind] + str(value)
        if self._catalogue.has(self.language, key):
            return self._catalogue.text(self.language, key)
        return str(value)

    def reason(self, stored: dict[str, Any] | str) -> str:
        """A stored match reason (catalogue key and parameters) in this language."""
        return reason_text(stored, self.language)

    def section(self, step: str) -> str:
        """The interview's own name for one of its questions (`section.where`), else the key."""
        key = f"section.{step}"
        return (
            self._catalogue.text(self.language, key)
            if self._catalogue.has(self.language, key)
            else step
        )
