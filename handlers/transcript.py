"""The tipster's answers as the tipster met them: each question as asked, each option as shown.

A stored draft keeps keys (``"safety": "continue"``, ``"signs": {"selected": […]}``); a
coordinator reads the question the tipster was asked and the button the tipster tapped, in
the coordinator's own language, and whatever the tipster typed exactly as typed. Nothing
internal (keys, platform file ids, parsed dates) is shown: the parsed values are the tip's
fields, elsewhere on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handlers.catalogue import catalogue
from handlers.steps import SPECS, Answer, Step

__all__ = ["Answered", "transcript"]


@dataclass(frozen=True)
class Answered:
    """One question: its section name, the question as asked, and the answer's lines.

    `typed` lines are the tipster's own words; the others are options the tipster tapped.
    """

    step: str
    section: str
    question: str
    tapped: tuple[str, ...]
    typed: tuple[str, ...]


def _text(language: str, key: str, **params: object) -> str:
    return catalogue().text(language, key, **params)


def _kind_specific(language: str, prefix: str, step: str, kind: str) -> str:
    specific = f"{prefix}.{step}.{kind}"
    return specific if catalogue().has(language, specific) else f"{prefix}.{step}"


def _option(language: str, step: str, value: object) -> str:
    key = f"choice.{step}.{value}"
    return _text(language, key) if catalogue().has(language, key) else str(value)


def _answer(language: str, step: str, value: Any) -> tuple[list[str], list[str]]:
    """(options tapped, text typed) of one stored answer."""
    if value is None:
        return [_text(language, "review.skipped")], []
    if isinstance(value, str):
        spec = SPECS.get(Step(step)) if step in Step._value2member_map_ else None
        if spec is not None and spec.answer is Answer.CHOICE:
            return [_option(language, step, value)], []
        return [], [value]
    if isinstance(value, list):
        if step == Step.MEDIA:
            return [_text(language, "review.media_count", count=len(value))], []
        return [], ["、".join(str(name) for name in value)]
    if not isinstance(value, Mapping):
        return [], [str(value)]
    tapped = [_option(language, step, s) for s in value.get("selected") or []]
    for name in ("choice", "group"):
        if value.get(name) and not value.get("text"):
            tapped.append(_option(language, step, value[name]))
    if value.get("unknown"):
        tapped.append(_option(language, step, "not_sure"))
    if value.get("text") is None and value.get("lat") is not None:
        tapped.append(_text(language, "review.pin", lat=value["lat"], lon=value["lon"]))
    typed = [value["text"]] if value.get("text") else []
    return tapped, typed


def _question(language: str, key: str, params: Mapping[str, object]) -> str:
    if not catalogue().has(language, key):
        return ""
    try:
        return _text(language, key, **params)
    except (KeyError, IndexError):  # a prompt naming a setting the caller didn't pass
        return _text(language, key)


def transcript(
    answers: Mapping[str, Any], *, kind: str, language: str, **prompt_params: object
) -> list[Answered]:
    """Every stored answer, in the order given, as the tipster met it, in `language`."""
    shown = []
    for step, value in answers.items():
        question_key = _kind_specific(language, "ask", step, kind)
        section_key = _kind_specific(language, "section", step, kind)
        tapped, typed = _answer(language, step, value)
        shown.append(
            Answered(
                step=step,
                section=_text(language, section_key)
                if catalogue().has(language, section_key)
                else "",
                question=_question(language, question_key, prompt_params),
                tapped=tuple(tapped),
                typed=tuple(typed),
            )
        )
    return shown
