"""Why two records agree or not, as a catalogue key and parameters, readable in any language.

A reason is stored as `{"key": "match.reason.name.same", "params": {...}, "weight": 4.9}`;
a parameter may itself be a reason (the words for "child's name", a kind of mark, a side),
so every word a coordinator reads comes from the catalogue in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.catalogue import catalogue

__all__ = ["PREFIX", "Reason", "catalogue_word", "reason", "reason_text"]

PREFIX = "match.reason."


@dataclass(frozen=True)
class Reason:
    """A catalogue key under `match.reason.` and its parameters (text, numbers or reasons)."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The stored form: the full key and the parameters, nested reasons as objects."""
        return {
            "key": PREFIX + self.key,
            "params": {k: v.as_json() if isinstance(v, Reason) else v for k, v in self.params},
        }

    def text(self, language: str = "en") -> str:
        """The reason in words."""
        return reason_text(self.as_json(), language)


def reason(key: str, **params: Any) -> Reason:
    """A reason with its parameters: `reason("name.same", said="李勇", registered="李勇")`."""
    return Reason(key, tuple(params.items()))


def catalogue_word(key: str) -> dict[str, Any]:
    """A parameter worded by any catalogue entry (a tapped choice), stored by its full key."""
    return {"key": key, "params": {}}


def reason_text(stored: dict[str, Any] | str, language: str) -> str:
    """A stored reason in a language, with its weight when it has one; old plain text as is."""
    if isinstance(stored, str):
        return stored
    params = {
        k: reason_text(v, language) if isinstance(v, dict) else v
        for k, v in (stored.get("params") or {}).items()
    }
    text = catalogue().text(language, stored["key"], **params)
    weight = stored.get("weight")
    return text if weight is None else f"{text} [{weight:+.1f}]"
