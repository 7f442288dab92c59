"""Moving through the interview: to the next question, back, and by the steps whose choice
moves a tipster rather than answers a question.

What to report, resuming a draft, which answer to change, the review (submit, change,
cancel), the language, and confirming "delete my data" are one row each in `MOVES`; and
what any step of the interview leads to (`Outcome`, with a `Submission` when a report is
finished).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.answering import add_media
from handlers.messages import Inbound, InboundKind, Reply
from handlers.prompts import ask, go
from handlers.state import Env, State
from handlers.steps import SPECS, Step, dependents, flow_for

__all__ = ["MOVES", "Move", "Outcome", "Submission", "advance", "back", "go_to", "greet", "reask"]


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


def reask(state: State, env: Env, before: str) -> Outcome:
    """Say `before`, then ask the open question again (or say how to start)."""
    if state.step is None:
        return Outcome([Reply(before + "\n\n" + env.t(state.language, "hint.start"))])
    return Outcome([ask(env, state, before=before)])


def greet(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """The start: the language question first, else welcome and what-to-report (a photo or
    something we can't read that came first is kept or answered on the way)."""
    if state.language is None:
        return go_to(state, Step.LANGUAGE, env, notice)
    extra = []
    if msg.kind is InboundKind.MEDIA:
        extra.append(add_media(env, state, msg))
    elif msg.kind is InboundKind.UNSUPPORTED:
        extra.append(env.t(state.language, "error.unsupported"))
    if state.touched_at is None:  # first contact: say how to switch language
        extra.append(env.t(state.language, "notice.language_hint"))
    notice = "\n\n".join(filter(None, [notice, *extra]))
    return go_to(
        state, Step.KIND, env, "\n\n".join(filter(None, [notice, env.t(state.language, "welcome")]))
    )


def _next_step(state: State) -> str:
    current = Step(state.step or Step.KIND)
    if state.editing:  # back to the review, through a step the changed answer now brings
        for step, value in dependents(current):
            if state.draft.get(current) == value:
                return step
        return Step.REVIEW
    flow = flow_for(state.kind or "sighting")
    for step in flow[flow.index(current) + 1 :]:
        only_if = SPECS[step].only_if
        if only_if and state.draft.get(only_if[0]) != only_if[1]:
            continue
        return step
    return Step.REVIEW


def advance(state: State, env: Env, before: str = "") -> Outcome:
    """On to the next question of the report's kind (from an edit: back to the review)."""
    following = _next_step(state)
    if not state.editing and state.step:
        state.history.append(state.step)
    if following == Step.REVIEW:
        state.editing = False
    return go_to(state, following, env, before)


def back(state: State, env: Env) -> Outcome:
    """The question before (from an edit: the review; from a detour: where they were)."""
    if state.editing:
        state.editing = False
        return go_to(state, Step.REVIEW, env)
    if state.step in (Step.LANGUAGE, Step.RESUME) and state.return_to:
        return go_to(state, state.return_to, env)
    if not state.history:
        return reask(state, env, env.t(state.language, "error.nothing_before"))
    return go_to(state, state.history.pop(), env)


def _chose_kind(state: State, choice: str, env: Env) -> Outcome:
    """A new report of this kind (photos sent before it are kept); its first question."""
    state.kind, state.draft_id = choice, str(uuid.uuid4())
    state.draft = {k: v for k, v in state.draft.items() if k == Step.MEDIA}
    state.history = []
    return go_to(state, Step.SAFETY, env)


def _chose_resume(state: State, choice: str, env: Env) -> Outcome:
    """Back to the question they were at, or a new report."""
    target, state.return_to = state.return_to, None
    if choice == "resume" and target:
        return go_to(state, target, env)
    state.reset()
    return go_to(state, Step.KIND, env)


def _chose_part(state: State, choice: str, env: Env) -> Outcome:
    """Change one answer: ask its question, then back to the review."""
    state.editing = True
    return go_to(state, choice, env)


def _reviewed(state: State, choice: str, env: Env) -> Outcome:
    """Submit the report, change an answer, or cancel it."""
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


def _chose_language(state: State, choice: str, env: Env) -> Outcome:
    """The language chosen; back to the question they were at, or to the start."""
    state.language = choice
    target, state.return_to = state.return_to, None
    if target and target != Step.LANGUAGE:
        return go_to(state, target, env, env.t(choice, "notice.language_set"))
    return go_to(state, Step.KIND, env, env.t(choice, "welcome"))


def _confirmed_delete(state: State, choice: str, env: Env) -> Outcome:
    """Delete my data, or keep it (back where they were); deleting forgets the tipster."""
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


Move = Callable[[State, str, Env], Outcome]
"""What a choice at a moving step does (the choice already read)."""

# The steps answered by a choice that moves the tipster: one row each.
MOVES: dict[Step, Move] = {
    Step.LANGUAGE: _chose_language,
    Step.KIND: _chose_kind,
    Step.RESUME: _chose_resume,
    Step.EDIT: _chose_part,
    Step.REVIEW: _reviewed,
    Step.DELETE: _confirmed_delete,
}
