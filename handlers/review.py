"""The review: a readable summary of the draft in the tipster's language."""

from __future__ import annotations

from typing import Any

from handlers.prompts import editable_steps, label, section_label
from handlers.state import Env, State
from handlers.steps import Step

__all__ = ["summary"]


def _value(env: Env, state: State, step: str, value: Any) -> str:
    lang = state.language
    if value is None:
        return env.t(lang, "review.skipped")
    if step == Step.BIRTH_DATE:
        if value.get("unknown"):
            return label(env, lang, step, "not_sure")
        return str(value["date"][:4] if value.get("year_only") else value["date"])
    if step in (Step.WHERE, Step.HOME):
        place = value.get("text") or env.t(lang, "review.pin", lat=value["lat"], lon=value["lon"])
        region = " ".join(p for p in (value.get("province"), value.get("city")) if p)
        return env.t(lang, "review.aside", text=place, aside=region) if region else place
    if step == Step.WHEN:
        shown = label(env, lang, step, value["choice"]) if value.get("choice") else value["text"]
        day = env.local(value["date"]).date().isoformat()
        return env.t(lang, "review.aside", text=shown, aside=day)
    if step == Step.CHILD_AGE:
        if value.get("unknown"):
            return label(env, lang, step, "not_sure")
        low, high = value["min"], value["max"]
        return str(low) if low == high else f"{low}–{high}"
    if step in (Step.NAMES_USED, Step.NAMES_GIVEN):
        return "、".join(value) or env.t(lang, "review.skipped")
    if step == Step.DIALECT:
        return (
            label(env, lang, step, value["group"])
            if value.get("group") and not value.get("text")
            else value.get("text") or ""
        )
    if step == Step.SIGNS:
        parts = [label(env, lang, step, s) for s in value.get("selected", [])]
        if value.get("text"):
            parts.append(value["text"])
        return env.t(lang, "dashboard.tip.detail_separator").join(parts) or env.t(
            lang, "review.none"
        )
    if step == Step.MEDIA:
        return (
            env.t(lang, "review.media_count", count=len(value))
            if value
            else env.t(lang, "review.none")
        )
    if step == Step.CONTACT:
        phone = state.draft.get("phone")
        return (
            phone["masked"] if value == "phone" and phone else label(env, lang, step, "anonymous")
        )
    if isinstance(value, str) and step in (Step.PRESENCE, Step.CHILD_SEX, Step.DIALECT_DIFFERS):
        return label(env, lang, step, value)
    return str(value)


def summary(env: Env, state: State) -> str:
    """All answers so far, one line per part, in the order they were asked."""
    lang = state.language
    lines = [env.t(lang, "review.title", kind=env.t(lang, f"choice.kind.{state.kind}"))]
    for step in editable_steps(state):
        if step in state.draft:
            shown = _value(env, state, step, state.draft[step])
            pair = env.t(lang, "record.detail", label=section_label(env, state, step), value=shown)
            lines.append(f"• {pair}")
    return "\n".join(lines)
