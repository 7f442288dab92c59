"""A tip's stored facts in a coordinator's words: values, reasons, who acted, what happened.

The database keeps keys (``in_review``, ``system``, ``{"key": "urgency.afraid"}``) so that
every interface — dashboard, CLI, Telegram group — says them in its reader's language and
zone, and a row stored long ago reads in today's wording. `Reader` is that one translation.
A new event needs `dashboard.event.<action>` in the catalogue, a new detail of one
`record.detail.<name>` (and a line in `_DETAIL_KINDS` if its value is a key, a time or a
yes/no); a new reason or match reason, stored as a phrase, needs only its own entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from handlers.catalogue import catalogue
from handlers.phrases import join, say
from handlers.times import shown
from triage.status_causes import cause_phrase
from triage.urgency_reasons import reason_phrase

__all__ = ["LABEL_KEYS", "Reader"]

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
    "language": "record.language.",
    "via": "record.via.",
    "attempted": "coordinator.button.",
    "dialect": "choice.dialect.",
    "sign": "choice.signs.",
    "presence": "choice.presence.",
    "sex": "choice.child_sex.",
    "differs": "choice.dialect_differs.",
    "when": "choice.when.",
    "outcome": "outcome.kind.",
}
# What kind of value each event detail holds; (action, name) before name alone.
_DETAIL_KINDS: dict[tuple[str, str] | str, str] = {
    ("submitted", "kind"): "kind",
    ("referred", "kind"): "referral",
    ("reassigned", "to"): "text",
    ("claim_overruled", "for"): "event",
    "from": "status",
    "to": "status",
    "close_reason": "close",
    "channel": "channel",
    "via": "via",
    "until": "time",
    "at": "time",
    "attempted": "attempted",
    "reason": "phrase",
    "imminent": "yes_no",
    "include_identity": "yes_no",
    "outcome": "outcome",
    "sheet_language": "language",
}
# Row ids and a platform's own (English) wording mean nothing to a reader; the JSON log
# keeps them.
_UNSHOWN = frozenset({"why", "where", "relay_id", "note_id", "referral_id", "attachment_id"})
_ACTORS = ("system", "tipster", "import", "cli")
_UNLISTED = ("unlisted:", "unlisted-")


class Reader:
    """Stored values in one language and time zone."""

    def __init__(self, language: str, tz: tzinfo) -> None:
        self.language, self.tz = language, tz

    def _text(self, key: str, **params: object) -> str:
        return catalogue().text(self.language, key, **params)

    def label(self, kind: str, value: object) -> str:
        """A stored value (a status, a sign…) in words, or the value itself if unnamed."""
        if value is None or value == "":
            return self._text("dashboard.value.none")
        key = LABEL_KEYS[kind] + str(value)
        return self._text(key) if catalogue().has(self.language, key) else str(value)

    def pair(self, label: object, value: object) -> str:
        """A label and its value ("until: 09:20"; "截止：09:20")."""
        return self._text("record.detail", label=label, value=value)

    def say(self, stored: object) -> str:
        """A stored phrase (a reason, a match's why) in words; older text as stored."""
        return say(self.language, stored)

    def reasons(self, stored: list[Any] | None) -> list[str]:
        """A tip's urgency reasons, largest first, in words (older English ones too)."""
        return [self.say(reason_phrase(reason)) for reason in stored or []]

    def actor(self, actor: str) -> str:
        """Who did something: a coordinator by name, else the system, the tipster…"""
        if actor in _ACTORS:
            return self._text(f"record.actor.{actor}")
        if actor.startswith(_UNLISTED):
            name = actor.split(":", 1)[1] if ":" in actor else ""
            return self._text("record.actor.unlisted", name=name).strip()
        return actor

    def _value(self, kind: str, value: object) -> str:
        if kind == "time" and isinstance(value, str):
            return shown(value, self.tz)
        if kind == "phrase":
            return self.say(cause_phrase(value))
        if kind == "yes_no":
            return self._text("record.yes" if value else "record.no")
        if kind in LABEL_KEYS:
            return self.label(kind, value)
        if isinstance(value, list):
            return join(self.language, [str(item) for item in value])
        return str(value)

    def details(self, action: str, detail: Mapping[str, Any] | None) -> list[str]:
        """An event's details as short phrases ("until 09:20", "from New to In review")."""
        detail = dict(detail or {})
        shown_parts = []
        if action == "status_changed" and {"from", "to"} <= detail.keys():
            before, after = detail.pop("from"), detail.pop("to")
            shown_parts.append(
                self._text(
                    "record.status_change",
                    before=self.label("status", before),
                    after=self.label("status", after),
                )
            )
        for name, value in detail.items():
            if value is None or value == "" or name in _UNSHOWN:
                continue
            kind = _DETAIL_KINDS.get((action, name)) or _DETAIL_KINDS.get(name, "text")
            key = f"record.detail.{name}"
            label = self._text(key) if catalogue().has(self.language, key) else name
            value_text = self._value(kind, value)
            shown_parts.append(self.pair(label, value_text))
        return shown_parts
