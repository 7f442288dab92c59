"""The intake interview as a pure state machine: (state, inbound) → (state, replies).

It never touches a database or a platform; `handlers.intake` loads and stores the state
around it, and channels turn platform messages into `Inbound` and `Reply` into messages.

The interview is tables, as python-telegram-bot's conversationbot declares its flow in one
literal `ConversationHandler`: the questions and their order (`steps.SPECS`, `steps.FLOWS`),
how each kind of answer is read (`answering.PARSERS`), the steps whose choice moves the
tipster (`navigation.MOVES`), the commands (`commands.COMMANDS`), and below, what a message
at each step does (`AT_STEP`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from handlers.alert_reply import answer_alert, seen_alert
from handlers.answering import Stay, add_media, apply_answer, resolve_choice
from handlers.answers import AnswerError
from handlers.commands import COMMANDS, run_command
from handlers.followup import answer_pending_question, handle_followup
from handlers.messages import Inbound, InboundKind, Reply
from handlers.navigation import MOVES, Outcome, Submission, advance, greet, reask
from handlers.prompts import ask
from handlers.state import Env, State
from handlers.steps import SPECS, Answer, Step
from handlers.subscribing import at_subscribe_step

__all__ = ["AT_STEP", "COMMANDS", "Outcome", "Submission", "handle"]

Handler = Callable[[State, Inbound, Env, str], Outcome]
"""What a message at a step does, given the state, the message, the environment and a notice."""


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
    if (alert_id := seen_alert(state, msg, env)) is not None:  # "I've seen this child"
        outcome = answer_alert(state, msg, env, alert_id, notice)
    elif msg.kind is InboundKind.COMMAND:
        outcome = run_command(state, msg, env, notice)
    elif msg.kind is InboundKind.EDITED:
        outcome = _edited(state, env, notice)
    elif state.step is None and state.pending_reply:
        outcome = Outcome(answer_pending_question(state, msg, env))
    elif state.step is None:
        outcome = greet(state, msg, env, notice)
    else:
        outcome = AT_STEP.get(Step(state.step), _question)(state, msg, env, notice)
    state.touched_at = env.now.isoformat()
    outcome.replies = [replace(r, language=state.language) for r in outcome.replies]
    return outcome


def _edited(state: State, env: Env, notice: str) -> Outcome:
    """An edit changes no answer: say how to change one, then ask the open question again."""
    edit_notice = "\n\n".join(filter(None, [notice, env.t(state.language, "notice.edit_ignored")]))
    if state.step is None:
        return Outcome([Reply(edit_notice)])
    return reask(state, env, edit_notice)


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


def _not_an_answer(state: State, msg: Inbound, env: Env) -> Outcome | None:
    """Something that answers no question: said so, or (a photo) kept on the draft."""
    if msg.kind is InboundKind.UNSUPPORTED:
        return reask(state, env, env.t(state.language, "error.unsupported"))
    spec = SPECS[Step(state.step or Step.KIND)]
    if msg.kind is InboundKind.MEDIA and spec.answer is not Answer.MEDIA and spec.media_kept:
        # Evidence is never thrown away: keep it on the draft and ask the open question again.
        return reask(state, env, add_media(env, state, msg))
    return None


def _question(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """An answer to a question: stored, then the next question (or this one again)."""
    if (refused := _not_an_answer(state, msg, env)) is not None:
        return refused
    try:
        kept = apply_answer(env, state, msg)
    except AnswerError as error:
        return reask(state, env, env.t(state.language, error.key, **error.params))
    if isinstance(kept, Stay):
        return Outcome([ask(env, state, before="\n\n".join(filter(None, [notice, kept.notice])))])
    return advance(state, env, notice)


def _move(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """A choice at a step that moves the tipster (`navigation.MOVES`)."""
    if (refused := _not_an_answer(state, msg, env)) is not None:
        return refused
    step = Step(state.step or Step.KIND)
    try:
        choice = resolve_choice(env, state, step, msg)
        if choice is None:
            raise AnswerError("error.choose_one")
    except AnswerError as error:
        return reask(state, env, env.t(state.language, error.key, **error.params))
    return MOVES[step](state, choice, env)


def _followup(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """A message in the follow-up to a submitted tip (its own questions)."""
    return Outcome(handle_followup(state, msg, env))


# What a message at each step does; every step not named here is a question (`_question`).
AT_STEP: dict[Step, Handler] = {
    Step.LANGUAGE: _move,
    Step.KIND: _move,
    Step.RESUME: _move,
    Step.REVIEW: _move,
    Step.EDIT: _move,
    Step.DELETE: _move,
    Step.FOLLOWUP_REF: _followup,
    Step.FOLLOWUP_PIN: _followup,
    Step.FOLLOWUP_MENU: _followup,
    Step.FOLLOWUP_MESSAGE: _followup,
    Step.SUBSCRIBE_WHERE: at_subscribe_step,
    Step.SUBSCRIBE_RADIUS: at_subscribe_step,
}
