"""Choices that move a tipster around the interview rather than answer a question.

What to report, resuming a draft, which answer to change, the review (submit, change,
cancel), the language, and confirming "delete my data"; and what any step of the interview
leads to (`Outcome`, with a `Submission` when a report is finished).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from handlers.answering import resolve_choice
from handlers.answers import AnswerError
from handlers.messages import Inbound, Reply
from handlers.prompts import go
from handlers.state import Env, State
from handlers.steps import Step

__all__ = ["Outcome", "Submission", "choose_language", "confirm_delete", "go_to", "navigate"]


@dataclass(frozen=True)
class Submission:
    """A finished draft the tipster asked to submit."""

    draft_id: str
    kind: str
    language: str
    draft: dict[str, Any]


@dataclass
class Outcome:
    """What one inbound message led to."""

    replies: list[Reply] = field(default_factory=list)
    submission: Submission | None = None
    forget_tipster: bool = False  # the tipster asked us to delete their data


def go_to(state: State, step: str, env: Env, before: str = "") -> Outcome:
    """Move to a step and ask its question (after `before`, a notice)."""
    return Outcome(go(env, state, step, before))


def confirm_delete(state: State, msg: Inbound, env: Env) -> Outcome:
    """Delete my data, or keep it (back where they were); deleting forgets the tipster."""
    choice = resolve_choice(env, state, Step.DELETE, msg)
    if choice is None:
        raise AnswerError("error.choose_one")
    if choice == "keep":
        target, state.return_to = state.return_to, None
        if target:
            return go_to(state, target, env, env.t(state.language, "notice.nothing_deleted"))
        state.step = None
        return Outcome([Reply(env.t(state.language, "notice.nothing_deleted"))])
    language = state.language
    state.reset()
    state.pending_reply = None
    return Outcome([Reply(env.t(language, "notice.data_deleted"))], forget_tipster=True)


def choose_language(state: State, msg: Inbound, env: Env) -> Outcome:
    """The language chosen; back to the question they were at, or to the start."""
    chosen = resolve_choice(env, state, Step.LANGUAGE, msg)
    if chosen is None:
        raise AnswerError("error.choose_one")
    state.language = chosen
    target, state.return_to = state.return_to, None
    if target and target != Step.LANGUAGE:
        return go_to(state, target, env, env.t(chosen, "notice.language_set"))
    return go_to(state, Step.KIND, env, env.t(chosen, "welcome"))


def navigate(state: State, msg: Inbound, env: Env) -> Outcome:
    """A choice at what-to-report, resume, change-which-answer or the review."""
    step = Step(state.step or Step.KIND)
    choice = resolve_choice(env, state, step, msg)
    if choice is None:
        raise AnswerError("error.choose_one")
    if step == Step.KIND:
        state.kind, state.draft_id = choice, str(uuid.uuid4())
        state.draft = {k: v for k, v in state.draft.items() if k == Step.MEDIA}
        state.history = []
        return go_to(state, Step.SAFETY, env)
    if step == Step.RESUME:
        target, state.return_to = state.return_to, None
        if choice == "resume" and target:
            return go_to(state, target, env)
        state.reset()
        return go_to(state, Step.KIND, env)
    if step == Step.EDIT:
        state.editing = True
        return go_to(state, choice, env)
    if choice == "change":
        return go_to(state, Step.EDIT, env)
    if choice == "cancel":
        state.reset()
        return Outcome([Reply(env.t(state.language, "notice.cancelled"))])
    submission = Submission(
        state.draft_id or str(uuid.uuid4()),
        state.kind or "sighting",
        state.language or "en",
        dict(state.draft),
    )
    state.reset()
    return Outcome([], submission)
