"""The intake interview as a pure state machine: (state, inbound) → (state, replies).

It never touches a database or a platform; `handlers.intake` loads and stores the state
around it, and channels turn platform messages into `Inbound` and `Reply` into messages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers.answering import Stay, add_media, apply_answer
from handlers.answers import AnswerError
from handlers.followup import (
    answer_pending_question,
    handle_followup,
    leave_followup,
    start_followup,
    start_reply,
)
from handlers.messages import Inbound, InboundKind, Reply
from handlers.navigation import (
    Outcome,
    Submission,
    choose_language,
    confirm_delete,
    go_to,
    navigate,
)
from handlers.prompts import ask
from handlers.state import Env, State
from handlers.steps import DEPENDENT, FOLLOWUP_STEPS, SPECS, Step, flow_for, is_optional

__all__ = ["Outcome", "Submission", "handle"]

COMMANDS = ("start", "help", "cancel", "back", "skip", "language", "followup", "reply", "delete")


def handle(state: State, msg: Inbound, env: Env) -> Outcome:
    """Advance the interview by one inbound message; `state` is updated in place."""
    chosen = env.texts.match_language(msg.language)
    if chosen is not None:  # chosen by the person at the keyboard: a new caller, say
        state.language = chosen
    elif state.language is None:  # the platform's language until the tipster picks one
        state.language = env.texts.match_language(msg.language_hint)
    if _flooding(state, env):
        return Outcome([Reply(env.t(state.language, "error.slow_down"), language=state.language)])
    notice = _expire_if_stale(state, env)
    if msg.kind is InboundKind.COMMAND:
        outcome = _command(state, msg, env, notice)
    elif msg.kind is InboundKind.EDITED:
        outcome = _edited(state, env, notice)
    elif state.step is None and state.pending_reply:
        outcome = Outcome(answer_pending_question(state, msg, env))
    elif state.step is None:
        outcome = _greet(state, msg, env, notice)
    else:
        outcome = _answer(state, msg, env, notice)
    state.touched_at = env.now.isoformat()
    outcome.replies = [replace(r, language=state.language) for r in outcome.replies]
    return outcome


def _edited(state: State, env: Env, notice: str) -> Outcome:
    """An edit changes no answer: say how to change one, then ask the open question again."""
    edit_notice = "\n\n".join(filter(None, [notice, env.t(state.language, "notice.edit_ignored")]))
    if state.step is None:
        return Outcome([Reply(edit_notice)])
    return _reask(state, env, edit_notice)


def _flooding(state: State, env: Env) -> bool:
    """More messages in a minute than a person types: answer kindly, process none of them."""
    now = env.now.timestamp()
    state.recent = [t for t in state.recent if now - t < 60]
    if len(state.recent) >= env.config.flood_limit_per_minute:
        return True
    state.recent.append(now)
    return False


def _expire_if_stale(state: State, env: Env) -> str:
    if state.step is None or state.touched_at is None:
        return ""
    if env.now - datetime.fromisoformat(state.touched_at) <= env.config.draft_ttl:
        return ""
    state.reset()
    return env.t(state.language, "notice.draft_expired", days=env.config.draft_ttl.days)


def _greet(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
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


def _command(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    lang, name = state.language, msg.text.lower()
    if name not in COMMANDS:
        return _reask(state, env, env.t(lang, "error.unknown_command"))
    if name == "help":
        return _reask(state, env, env.t(lang, "help"))
    if name == "followup":
        return Outcome(start_followup(state, env))
    if name == "reply":
        return Outcome(start_reply(state, env))
    if state.step in FOLLOWUP_STEPS and name in ("cancel", "back", "start"):
        return Outcome(leave_followup(state, env, ""))
    if name == "language":
        state.return_to = state.step
        return go_to(state, Step.LANGUAGE, env, notice)
    if name == "delete":
        state.return_to = state.step if state.step != Step.DELETE else state.return_to
        return go_to(state, Step.DELETE, env, notice)
    if name == "cancel":
        had_draft = state.kind is not None
        state.reset()
        key = "notice.cancelled" if had_draft else "notice.nothing_to_cancel"
        return Outcome([Reply(env.t(state.language, key))])
    if name == "start":
        if state.step in (None, Step.LANGUAGE, Step.KIND) or state.kind is None:
            state.step = None
            return _greet(state, msg, env, notice)
        if state.step != Step.RESUME:
            state.return_to = state.step
        return go_to(state, Step.RESUME, env, notice)
    if name == "back":
        return _back(state, env)
    return _skip(state, env)


def _reask(state: State, env: Env, before: str) -> Outcome:
    if state.step is None:
        return Outcome([Reply(before + "\n\n" + env.t(state.language, "hint.start"))])
    return Outcome([ask(env, state, before=before)])


def _back(state: State, env: Env) -> Outcome:
    if state.editing:
        state.editing = False
        return go_to(state, Step.REVIEW, env)
    if state.step in (Step.LANGUAGE, Step.RESUME) and state.return_to:
        return go_to(state, state.return_to, env)
    if not state.history:
        return _reask(state, env, env.t(state.language, "error.nothing_before"))
    return go_to(state, state.history.pop(), env)


def _skip(state: State, env: Env) -> Outcome:
    if state.step is None or state.step not in SPECS or not is_optional(state.step, state.kind):
        return _reask(state, env, env.t(state.language, "error.cannot_skip"))
    if state.step == Step.MEDIA:
        state.draft.setdefault(Step.MEDIA, [])
    else:
        state.draft[state.step] = None
    return _advance(state, env)


def _next_step(state: State) -> str:
    current = Step(state.step or Step.KIND)
    if state.editing:
        for dependent, (parent, value) in DEPENDENT.items():
            if current == parent and state.draft.get(parent) == value:
                return dependent
        return Step.REVIEW
    flow = flow_for(state.kind or "sighting")
    for step in flow[flow.index(current) + 1 :]:
        parent_value = DEPENDENT.get(step)
        if parent_value and state.draft.get(parent_value[0]) != parent_value[1]:
            continue
        return step
    return Step.REVIEW


def _advance(state: State, env: Env, before: str = "") -> Outcome:
    following = _next_step(state)
    if not state.editing and state.step:
        state.history.append(state.step)
    if following == Step.REVIEW:
        state.editing = False
    return go_to(state, following, env, before)


def _answer(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    if state.step in FOLLOWUP_STEPS:
        return Outcome(handle_followup(state, msg, env))
    if msg.kind is InboundKind.UNSUPPORTED:
        return _reask(state, env, env.t(state.language, "error.unsupported"))
    if msg.kind is InboundKind.MEDIA and state.step not in (Step.MEDIA, Step.LANGUAGE):
        # Evidence is never thrown away: keep it on the draft and ask the open question again.
        return _reask(state, env, add_media(env, state, msg))
    try:
        if state.step == Step.LANGUAGE:
            return choose_language(state, msg, env)
        if state.step == Step.DELETE:
            return confirm_delete(state, msg, env)
        if state.step in (Step.KIND, Step.RESUME, Step.REVIEW, Step.EDIT):
            return navigate(state, msg, env)
        kept = apply_answer(env, state, msg)
    except AnswerError as error:
        return _reask(state, env, env.t(state.language, error.key, **error.params))
    if isinstance(kept, Stay):
        return Outcome([ask(env, state, before="\n\n".join(filter(None, [notice, kept.notice])))])
    return _advance(state, env, notice)
