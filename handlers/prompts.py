"""Turning a step into the question the tipster sees: text, choices, ticks."""

from __future__ import annotations

from handlers.messages import Choice, Reply
from handlers.state import Env, State
from handlers.steps import SPECS, Answer, Step, flow_for, is_optional, option_key

__all__ = [
    "ask",
    "choice_values",
    "editable_steps",
    "go",
    "label",
    "option_label",
    "section_label",
]


def label(env: Env, language: str | None, step: str, value: str) -> str:
    """The label of one choice of a step."""
    if step == Step.LANGUAGE:
        return env.texts.text(value, "language.name")
    return env.t(language, f"choice.{step}.{value}")


def section_label(env: Env, state: State, step: str, language: str | None = None) -> str:
    """The name of one part of the report, worded for the report's kind where it differs."""
    language = language or state.language
    specific = f"section.{step}.{state.kind}"
    key = specific if env.texts.has(language or "en", specific) else f"section.{step}"
    return env.t(language, key)


def option_label(env: Env, state: State, language: str | None, step: str, value: str) -> str:
    """The words of one option as shown, and so as a tipster may type them back."""
    if step == Step.EDIT:  # the options are the report's parts
        return section_label(env, state, value, language)
    return label(env, language, step, value)


def editable_steps(state: State) -> tuple[str, ...]:
    """The parts of the report a tipster can change from the review."""
    return tuple(s.value for s in flow_for(state.kind or "sighting") if SPECS[s].editable)


def choice_values(state: State, step: str) -> tuple[str, ...]:
    """The values a step offers, in display order."""
    if step == Step.LANGUAGE:
        return env_languages()
    if step == Step.EDIT:
        return editable_steps(state)
    return SPECS[Step(step)].choices


def env_languages() -> tuple[str, ...]:
    """Languages offered; every catalogue language."""
    from handlers.catalogue import catalogue

    return catalogue().languages


def _prompt_key(env: Env, state: State, step: str) -> str:
    specific = f"ask.{step}.{state.kind}"
    return (
        specific
        if state.kind and env.texts.has(state.language or "en", specific)
        else f"ask.{step}"
    )


def ask(env: Env, state: State, step: str | None = None, *, before: str = "") -> Reply:
    """The question for `step` (default: the current one), optionally after a short notice."""
    step = step or state.step or Step.KIND
    lang = state.language
    if step == Step.LANGUAGE and lang is None:
        text = "\n\n".join(env.texts.text(code, "ask.language") for code in env_languages())
    elif step == Step.REVIEW:
        from handlers.review import summary

        text = summary(env, state) + "\n\n" + env.t(lang, "ask.review")
    else:
        text = env.t(lang, _prompt_key(env, state, step))
    spec = SPECS[Step(step)]
    if is_optional(step, state.kind):
        text += "\n" + env.t(lang, "hint.optional")
    if state.editing and step != Step.REVIEW:
        text += "\n" + env.t(lang, "hint.editing")
    if before:
        text = before + "\n\n" + text
    values = choice_values(state, step)
    selected: tuple[str, ...] = ()
    if spec.answer is Answer.MULTI:
        selected = tuple((state.draft.get(step) or {}).get("selected", []))
    return Reply(
        text=text,
        step=step,
        choices=tuple(
            Choice(v, option_label(env, state, lang, step, v), option_key(step, i))
            for i, v in enumerate(values)
        ),
        multi=spec.answer is Answer.MULTI,
        selected=selected,
        accepts_location=spec.pin,
        accepts_contact=spec.answer is Answer.PHONE,
    )


def go(env: Env, state: State, step: str, before: str = "") -> list[Reply]:
    """Move to a question and ask it (after an optional notice)."""
    state.step, state.doubted = step, None  # a doubted answer is for the question it was at
    return [ask(env, state, before=before)]
