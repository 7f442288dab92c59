"""The review: a readable summary of the draft in the tipster's language.

Each kind of answer is shown one way (`SHOWN`), so a question added as a row in
`steps.SPECS` reads right in the review without a line here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.prompts import editable_steps, label, section_label
from handlers.state import Env, State
from handlers.steps import SPECS, Answer, Step, dependents

__all__ = ["SHOWN", "summary"]

Shown = Callable[[Env, State, str, Any], str]
"""One stored answer of its kind, as the tipster reads it back."""


def _chosen(env: Env, state: State, step: str, value: Any) -> str:
    """The option's label; a choice that brought a further answer (a phone) shows that."""
    for dependent, brought in dependents(step):
        if value == brought and state.draft.get(dependent):
            return _shown(env, state, dependent, state.draft[dependent])
    return label(env, state.language, step, value)


def _as_typed(env: Env, state: State, step: str, value: Any) -> str:
    return str(value)


def _names(env: Env, state: State, step: str, value: Any) -> str:
    return "、".join(value) or env.t(state.language, "review.skipped")


def _not_sure_or(shown: Callable[[dict[str, Any]], str]) -> Shown:
    """An answer that may be "not sure" (an age, a birth date), else shown so."""

    def show(env: Env, state: State, step: str, value: Any) -> str:
        if value.get("unknown"):
            return label(env, state.language, step, "not_sure")
        return shown(value)

    return show


def _age(value: dict[str, Any]) -> str:
    low, high = value["min"], value["max"]
    return str(low) if low == high else f"{low}–{high}"


def _birth(value: dict[str, Any]) -> str:
    return str(value["date"][:4] if value.get("year_only") else value["date"])


def _place(env: Env, state: State, step: str, value: Any) -> str:
    lang = state.language
    place = value.get("text") or env.t(lang, "review.pin", lat=value["lat"], lon=value["lon"])
    region = " ".join(p for p in (value.get("province"), value.get("city")) if p)
    return env.t(lang, "review.aside", text=place, aside=region) if region else place


def _moment(env: Env, state: State, step: str, value: Any) -> str:
    lang = state.language
    shown = label(env, lang, step, value["choice"]) if value.get("choice") else value["text"]
    day = env.local(value["date"]).date().isoformat()
    return env.t(lang, "review.aside", text=shown, aside=day)


def _dialect(env: Env, state: State, step: str, value: Any) -> str:
    if value.get("group") and not value.get("text"):
        return label(env, state.language, step, value["group"])
    return str(value.get("text") or "")


def _ticks(env: Env, state: State, step: str, value: Any) -> str:
    lang = state.language
    parts = [label(env, lang, step, s) for s in value.get("selected", [])]
    if value.get("text"):
        parts.append(value["text"])
    return env.t(lang, "dashboard.tip.detail_separator").join(parts) or env.t(lang, "review.none")


def _attachments(env: Env, state: State, step: str, value: Any) -> str:
    if value:
        return env.t(state.language, "review.media_count", count=len(value))
    return env.t(state.language, "review.none")


def _phone(env: Env, state: State, step: str, value: Any) -> str:
    return str(value["masked"])  # never the number itself


# How each kind of answer is shown: one row each.
SHOWN: dict[Answer, Shown] = {
    Answer.CHOICE: _chosen,
    Answer.MOMENT: _moment,
    Answer.DIALECT: _dialect,
    Answer.TEXT: _as_typed,
    Answer.NAMES: _names,
    Answer.AGE: _not_sure_or(_age),
    Answer.BIRTH: _not_sure_or(_birth),
    Answer.PLACE: _place,
    Answer.MULTI: _ticks,
    Answer.MEDIA: _attachments,
    Answer.PHONE: _phone,
}


def _shown(env: Env, state: State, step: str, value: Any) -> str:
    if value is None:
        return env.t(state.language, "review.skipped")
    return SHOWN[SPECS[Step(step)].answer](env, state, step, value)


def summary(env: Env, state: State) -> str:
    """All answers so far, one line per part, in the order they were asked."""
    lang = state.language
    lines = [env.t(lang, "review.title", kind=env.t(lang, f"choice.kind.{state.kind}"))]
    for step in editable_steps(state):
        if step in state.draft:
            shown = _shown(env, state, step, state.draft[step])
            pair = env.t(lang, "record.detail", label=section_label(env, state, step), value=shown)
            lines.append(f"• {pair}")
    return "\n".join(lines)
