"""Phrases: a sentence stored as a catalogue key and its parameters, read in any language.

What the system says about a tip (why it is urgent, why a registry entry may be its child)
is stored as ``{"key": "urgency.there_now", "points": 30}`` — or with the parameters under
``"params"`` — and put into words only when someone reads it, in their language. A new
reason needs one catalogue entry and nothing else; rows stored before a wording changed read
in the new wording. A parameter may itself be a phrase (``{"key": "choice.child_sex.boy"}``)
or a list of them; a phrase's ``"weight"`` (a match reason's) is shown after it as
``[+4.9]``. Text stored before phrases existed is shown as it was stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

from handlers.catalogue import DEFAULT_LANGUAGE, catalogue

__all__ = ["Phrase", "is_phrase", "join", "locale_of", "phrase", "say"]

Phrase = dict[str, Any]


class _Unknown:
    def __format__(self, spec: str) -> str:
        return "?"


class _Known(dict[str, object]):
    def __missing__(self, name: str) -> object:
        return _Unknown()


def phrase(key: str, **params: object) -> Phrase:
    """A phrase to store: its catalogue key and parameters (JSON values or phrases)."""
    return {"key": key, **params}


def is_phrase(value: object) -> bool:
    """True for a stored phrase (a mapping with a string key)."""
    return isinstance(value, Mapping) and isinstance(value.get("key"), str)


def _params(stored: Mapping[str, Any]) -> Mapping[str, Any]:
    inner = stored.get("params")
    if isinstance(inner, Mapping):
        return inner
    return {name: value for name, value in stored.items() if name not in ("key", "weight")}


def locale_of(language: str) -> Locale:
    """Babel's locale of a catalogue language (English if Babel doesn't know it)."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def join(language: str, items: list[str]) -> str:
    """Several items as the language lists them ("a, b and c"; "a、b和c")."""
    return format_list(items, locale=locale_of(language)) if items else ""


def _value(language: str, value: object) -> object:
    if is_phrase(value):
        return say(language, value)
    if isinstance(value, bool):
        return catalogue().text(language, "record.yes" if value else "record.no")
    if isinstance(value, list | tuple):
        return join(language, [str(_value(language, item)) for item in value])
    return value


def say(language: str, stored: object) -> str:
    """A stored phrase in words in a language; older plain text as it was stored."""
    if not is_phrase(stored):
        return "" if stored is None else str(stored)
    assert isinstance(stored, Mapping)
    weight = stored.get("weight")
    text = _worded(language, stored["key"], _params(stored))
    return text if not isinstance(weight, int | float) else f"{text} [{weight:+.1f}]"


def _worded(language: str, key: str, stored_params: Mapping[str, Any]) -> str:
    params = {name: _value(language, value) for name, value in stored_params.items()}
    template = catalogue().text(language, key)
    if not params:
        return template
    try:
        # A wording may name a parameter an older row doesn't have: it reads "?".
        return template.format_map(_Known(params))
    except (IndexError, ValueError):
        return template
