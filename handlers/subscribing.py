"""Subscribing to case alerts from the chat: /subscribe, /subscriptions, /unsubscribe.

/subscribe asks where: a shared location (then a radius) or provinces and cities typed.
A tipster in the middle of a report is not taken out of it: the command is refused kindly,
the draft stays, and the open question is asked again (subscribe once the report is done).
/subscriptions and /unsubscribe answer at once and leave the interview where it was.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.alert_port import AlertPort
from handlers.answering import resolve_choice
from handlers.answers import AnswerError
from handlers.catalogue import DEFAULT_LANGUAGE
from handlers.messages import Inbound, InboundKind, Reply
from handlers.navigation import Outcome, go_to, reask
from handlers.prompts import ask
from handlers.state import Env, State
from handlers.steps import FOLLOWUP_STEPS, SUBSCRIBE_STEPS, Step
from storage.locations import cell

__all__ = ["SUBSCRIBING", "at_subscribe_step", "busy_with_report"]

_POINT = "subscribe_point"  # the shared location's ~1 km cell, until the radius is chosen


def busy_with_report(state: State) -> bool:
    """Whether a report (or a follow-up to one) is under way."""
    return state.kind is not None or state.step in FOLLOWUP_STEPS


def _aside(state: State, env: Env, text: str) -> Outcome:
    """Say `text`; with a question open, ask it again after."""
    if state.step is None or state.step in SUBSCRIBE_STEPS:
        state.step = None
        state.draft.pop(_POINT, None)
        return Outcome([Reply(text)])
    return reask(state, env, text)


def _port(env: Env) -> AlertPort:
    if env.alerts is None:
        raise AnswerError("subscribe.unavailable")
    return env.alerts


def _language(state: State) -> str:
    return state.language or DEFAULT_LANGUAGE


def _subscribe(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Ask where to hear from, unless a report is under way (kept; said how to do it after)."""
    if busy_with_report(state):
        return reask(state, env, env.t(state.language, "subscribe.busy"))
    if env.alerts is None or not env.alerts.subscribable:
        return _aside(state, env, env.t(state.language, "subscribe.unavailable"))
    state.draft.pop(_POINT, None)
    return go_to(state, Step.SUBSCRIBE_WHERE, env, notice)


def _subscriptions(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """The tipster's own subscriptions and how to stop them."""
    try:
        areas = _port(env).listing(_language(state))
    except AnswerError as error:
        return _aside(state, env, env.t(state.language, error.key))
    if not areas:
        return _aside(state, env, env.t(state.language, "subscribe.list.empty"))
    lines = [env.t(state.language, "subscribe.list.title")]
    lines += [
        env.t(state.language, "subscribe.list.item", number=n, area=area)
        for n, area in enumerate(areas, 1)
    ]
    lines.append(env.t(state.language, "subscribe.how_to_stop"))
    return _aside(state, env, "\n".join(lines))


def _unsubscribe(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """Stop every alert to this tipster."""
    try:
        removed = _port(env).unsubscribe()
    except AnswerError as error:
        return _aside(state, env, env.t(state.language, error.key))
    key = "subscribe.removed" if removed else "subscribe.list.empty"
    return _aside(state, env, env.t(state.language, key))


def _subscribed(state: State, env: Env, area: str, new: bool) -> Outcome:
    """Done: what they will receive and how to stop."""
    lang = state.language
    if not new:
        return _aside(state, env, env.t(lang, "subscribe.already", area=area))
    text = env.t(lang, "subscribe.confirmed", area=area) + "\n\n" + env.t(lang, "subscribe.what")
    return _aside(state, env, text)


def _where(state: State, msg: Inbound, env: Env) -> Outcome:
    """A shared location (then the radius), or provinces and cities typed."""
    if msg.kind is InboundKind.LOCATION and msg.latitude is not None and msg.longitude is not None:
        lat, lon = cell(msg.latitude), cell(msg.longitude)
        state.draft[_POINT] = [lat, lon]
        return go_to(state, Step.SUBSCRIBE_RADIUS, env)
    if msg.kind is not InboundKind.TEXT or not msg.text.strip():
        raise AnswerError("subscribe.where_needed")
    found = _port(env).subscribe_places(msg.text.strip()[:300], _language(state))
    if found is None:
        raise AnswerError("subscribe.no_place")
    return _subscribed(state, env, *found)


def _radius(state: State, msg: Inbound, env: Env) -> Outcome:
    """The radius around the shared location: subscribed."""
    choice = resolve_choice(env, state, Step.SUBSCRIBE_RADIUS, msg)
    point = state.draft.get(_POINT)
    if choice is None:
        raise AnswerError("error.choose_one")
    if not point:  # the location was lost (an old state): ask for it again
        return go_to(state, Step.SUBSCRIBE_WHERE, env)
    found = _port(env).subscribe_point(point[0], point[1], int(choice), _language(state))
    return _subscribed(state, env, *found)


_AT: dict[str, Callable[[State, Inbound, Env], Outcome]] = {
    Step.SUBSCRIBE_WHERE: _where,
    Step.SUBSCRIBE_RADIUS: _radius,
}


def at_subscribe_step(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
    """An answer to one of /subscribe's questions."""
    try:
        return _AT[state.step or Step.SUBSCRIBE_WHERE](state, msg, env)
    except AnswerError as error:
        if state.step is None:
            return Outcome([Reply(env.t(state.language, error.key, **error.params))])
        before = env.t(state.language, error.key, **error.params)
        return Outcome([ask(env, state, before=before)])


# The commands this module adds to `commands.COMMANDS`, one row each.
SUBSCRIBING: dict[str, Callable[[State, Inbound, Env, str], Outcome]] = {
    "subscribe": _subscribe,
    "subscriptions": _subscriptions,
    "unsubscribe": _unsubscribe,
}
