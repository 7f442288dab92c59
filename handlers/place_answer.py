"""A place typed as words: what it names, and asking again once when it names nothing.

A tipster is never stuck: "I don't know" is an answer, a second try is taken as typed (with
the first words kept beside it), and a location pin always works (answering._place).
"""

from __future__ import annotations

import re
from typing import Any

from handlers import places
from handlers.answers import AnswerError
from handlers.catalogue import catalogue
from handlers.state import State

__all__ = ["place_from_text"]


def place_from_text(state: State, step: str, text: str) -> dict[str, Any]:
    """The stored answer for a typed place; raises AnswerError the first time it names
    nothing we know, remembering the words on the state for the second try."""
    doubted = state.doubted or {}
    first = doubted.get("text") if doubted.get("step") == step else None  # the first try
    if first and re.search(r"\w", first) and first not in text:  # "菜市场门口", then "东莞"
        text = f"{first}；{text}"
    guess = places.parse_place(text)
    dont_know = catalogue().said("answer.words.dont_know", text)
    if not (guess.province or guess.city or first or dont_know):
        state.doubted = {"step": step, "text": text}
        raise AnswerError("error.place_unrecognised")
    state.doubted = None
    return {"text": text, "lat": None, "lon": None, "province": guess.province, "city": guess.city}
