"""The commands a tipster can send at any time, one row each in `COMMANDS`.

A channel turns "/start", a Telegram menu entry or the words "开始" into an inbound COMMAND
(`handlers.typed_commands`); adding a command is a row here and its words in the catalogue
(`command.words.NAME`).
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.followup import leave_followup, start_followup, start_reply
from handlers.messages import Inbound, Reply
from handlers.navigation import Outcome, advance, back, go_to, greet, reask
from handlers.state import Env, State
from handlers.steps import FOLLOWUP_STEPS, SPECS, Step, is_optional
from handlers.subscribing import SUBSCRIBING

__all__ = ["COMMANDS", "Command", "run_command"]

Command = Callable[[State, Inbound, Env, str], Outcome]
"""What a command does, given the state, the message, the environment and a notice to show."""


def _start(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """The start, or (with a report under way) whether to resume it."""
    if state.step in (None, Step.LANGUAGE, Step.KIND) or state.kind is None:
        state.step = None
        return greet(state, msg, env, notice)
    if state.step != Step.RESUME:
        state.return_to = state.step
    return go_to(state, Step.RESUME, env, notice)


def _help(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """What the commands do, then the open question again."""
    return reask(state, env, env.t(state.language, "help"))


def _cancel(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Forget the draft (the language and any coordinator's question stay)."""
    had_draft = state.kind is not None
    state.reset()
    key = "notice.cancelled" if had_draft else "notice.nothing_to_cancel"
    return Outcome([Reply(env.t(state.language, key))])


def _back(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """The question before."""
    return back(state, env)


def _skip(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Leave an optional question unanswered and move on."""
    if state.step is None or state.step not in SPECS or not is_optional(state.step, state.kind):
        return reask(state, env, env.t(state.language, "error.cannot_skip"))
    if state.step == Step.MEDIA:
        state.draft.setdefault(Step.MEDIA, [])
    else:
        state.draft[state.step] = None
    return advance(state, env)


def _language(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Ask the language, then back to this question."""
    state.return_to = state.step
    return go_to(state, Step.LANGUAGE, env, notice)


def _followup(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Come back to a submitted tip (code and PIN)."""
    return Outcome(start_followup(state, env))


def _reply(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Answer a coordinator's open question."""
    return Outcome(start_reply(state, env))


def _delete(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Ask to confirm deleting the tipster's data, then back to this question if kept."""
    state.return_to = state.step if state.step != Step.DELETE else state.return_to
    return go_to(state, Step.DELETE, env, notice)


def _or_leave_followup(command: Command) -> Command:
    """In the follow-up, the command leaves it (back to the report, or to rest) instead."""

    def leaving(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
        if state.step in FOLLOWUP_STEPS:
            return Outcome(leave_followup(state, env, ""))
        return command(state, msg, env, notice)

    return leaving


# Every command, one row each, in the order typed words are matched (`read_command`).
COMMANDS: dict[str, Command] = {
    "start": _or_leave_followup(_start),
    "help": _help,
    "cancel": _or_leave_followup(_cancel),
    "back": _or_leave_followup(_back),
    "skip": _skip,
    "language": _language,
    "followup": _followup,
    "reply": _reply,
    "delete": _delete,
    **SUBSCRIBING,  # alerts: subscribe, subscriptions, unsubscribe
}


def run_command(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Do the command `msg` names; an unknown one is said so, and the question asked again."""
    command = COMMANDS.get(msg.text.lower())
    if command is None:
        return reask(state, env, env.t(state.language, "error.unknown_command"))
    return command(state, msg, env, notice)
