"""Coming back to a submitted tip: code + PIN, its status, more information, answers.

A tipster either types /followup and proves it is their tip with the reference code and
PIN, or answers a coordinator's question that reached them on this very channel (the relay
went to their own account, so no PIN is needed to answer it).
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.answering import resolve_choice
from handlers.answers import AnswerError
from handlers.messages import Inbound, InboundKind, Reply
from handlers.prompts import ask, go
from handlers.state import Env, FollowupPort, State
from handlers.steps import FOLLOWUP_STEPS, Step

__all__ = [
    "answer_pending_question",
    "handle_followup",
    "leave_followup",
    "start_followup",
    "start_reply",
]


def _port(env: Env) -> FollowupPort:
    if env.followup is None:
        raise AnswerError("followup.unavailable")
    return env.followup


def start_followup(state: State, env: Env) -> list[Reply]:
    """/followup: ask for the reference code."""
    if state.step is not None and state.step not in FOLLOWUP_STEPS:
        state.return_to = state.step
    state.followup = None
    return go(env, state, Step.FOLLOWUP_REF)


def start_reply(state: State, env: Env) -> list[Reply]:
    """/reply: answer the coordinator's open question."""
    if not state.pending_reply:
        return [Reply(env.t(state.language, "followup.no_question"))] + (
            [ask(env, state)] if state.step else []
        )
    if state.step is not None and state.step != Step.FOLLOWUP_MESSAGE:
        state.return_to = state.step
    state.followup = dict(state.pending_reply)
    return go(env, state, Step.FOLLOWUP_MESSAGE)


def answer_pending_question(state: State, msg: Inbound, env: Env) -> list[Reply]:
    """A message from an idle tipster while a coordinator's question waits is the answer."""
    pending = state.pending_reply or {}
    state.followup = dict(pending)
    state.step = Step.FOLLOWUP_MESSAGE
    return handle_followup(state, msg, env)


def leave_followup(state: State, env: Env, notice: str) -> list[Reply]:
    """Back to the report being written, or to rest."""
    state.followup = None
    target, state.return_to = state.return_to, None
    if target:
        return go(env, state, target, notice)
    state.step = None
    return [Reply("\n\n".join(filter(None, [notice, env.t(state.language, "hint.start")])))]


def _menu(state: State, env: Env, msg: Inbound) -> list[Reply]:
    choice = resolve_choice(env, state, Step.FOLLOWUP_MENU, msg)
    if choice is None:
        raise AnswerError("error.choose_one")
    followup = state.followup or {}
    if choice == "add_info":
        return go(env, state, Step.FOLLOWUP_MESSAGE)
    if choice == "status":
        status = _port(env).status(int(followup["report_id"]))
        text = env.t(state.language, f"followup.status.{status}", ref=followup.get("ref", ""))
        return [ask(env, state, before=text)]
    return leave_followup(state, env, env.t(state.language, "followup.bye"))


def _message(state: State, env: Env, msg: Inbound) -> list[Reply]:
    report_id = int((state.followup or {})["report_id"])
    if msg.kind is InboundKind.MEDIA and msg.media_ref:
        _port(env).add_attachment(report_id, msg.media_type or "document", msg.media_ref)
    elif msg.kind is InboundKind.TEXT and msg.text.strip():
        if len(msg.text) > env.config.max_answer_length:
            raise AnswerError(
                "error.too_long", limit=env.config.max_answer_length, length=len(msg.text)
            )
        _port(env).add_message(report_id, msg.text.strip())
    else:
        raise AnswerError("error.need_text")
    if state.pending_reply and state.pending_reply.get("report_id") == report_id:
        state.pending_reply = None
    return go(env, state, Step.FOLLOWUP_MENU, env.t(state.language, "followup.thanks"))


def _typed(msg: Inbound) -> str:
    if msg.kind is not InboundKind.TEXT or not msg.text.strip():
        raise AnswerError("error.need_text")
    return msg.text.strip()


def _code(state: State, env: Env, msg: Inbound) -> list[Reply]:
    """The tip's reference code; then its PIN."""
    state.followup = {"ref": _typed(msg)[:20]}
    return go(env, state, Step.FOLLOWUP_PIN)


def _pin(state: State, env: Env, msg: Inbound) -> list[Reply]:
    """The PIN: the tip's status and what they can do, or asked for the code again."""
    ref, pin = str((state.followup or {}).get("ref", "")), _typed(msg)
    try:
        report_id, ref = _port(env).check(ref, pin)
    except AnswerError as refused:
        if refused.key == "followup.wrong":
            return go(env, state, Step.FOLLOWUP_REF, env.t(state.language, refused.key))
        return leave_followup(state, env, env.t(state.language, refused.key))
    state.followup = {"report_id": report_id, "ref": ref}
    status = env.followup.status(report_id) if env.followup else "received"
    return go(
        env,
        state,
        Step.FOLLOWUP_MENU,
        env.t(state.language, f"followup.status.{status}", ref=ref),
    )


# What a message at each follow-up question does, one row each.
_AT: dict[str, Callable[[State, Env, Inbound], list[Reply]]] = {
    Step.FOLLOWUP_REF: _code,
    Step.FOLLOWUP_PIN: _pin,
    Step.FOLLOWUP_MENU: _menu,
    Step.FOLLOWUP_MESSAGE: _message,
}


def handle_followup(state: State, msg: Inbound, env: Env) -> list[Reply]:
    """An answer at one of the follow-up questions."""
    try:
        return _AT[state.step or Step.FOLLOWUP_REF](state, env, msg)
    except AnswerError as error:
        return [ask(env, state, before=env.t(state.language, error.key, **error.params))]
