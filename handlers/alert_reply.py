""" "I've seen this child": an answer to a case alert starts a sighting linked to the alert.

It comes as the alert's Telegram button (callback `alert:<id>:seen`, a CHOICE whose step is
"alert"), as the deep link `/start alert-<id>`, or typed ("见过 12", "seen 12") on WeChat and
the console. The sighting starts at the safety step, as every sighting does; the draft
carries the alert (`ALERT_KEY`) to the report. A tipster in the middle of a report keeps it
and is told how to answer the alert after.
"""

from __future__ import annotations

import re
import uuid

from handlers.messages import Inbound, InboundKind
from handlers.navigation import Outcome, go_to, reask
from handlers.state import Env, State
from handlers.steps import FOLLOWUP_STEPS, Step
from handlers.subscribing import busy_with_report
from storage import ReportKind

__all__ = ["ALERT_KEY", "answer_alert", "seen_alert"]

ALERT_KEY = "alert"  # in a draft: {"id": alert id, "case_id": its case}
_BUTTON = re.compile(r"(\d{1,9}):seen")
_DEEP_LINK = re.compile(r"alert-(\d{1,9})")
_TYPED = re.compile(r"(\D+?)\s*[#＃]?\s*(\d{1,9})")
_FULL_WIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}


def seen_alert(state: State, msg: Inbound, env: Env) -> int | None:
    """The alert a message answers ("I've seen this child"), or None if it is no such answer."""
    if msg.kind is InboundKind.CHOICE and msg.step == ALERT_KEY:
        found = _BUTTON.fullmatch(msg.text)
    elif msg.kind is InboundKind.COMMAND and msg.text == "start" and msg.argument:
        found = _DEEP_LINK.fullmatch(msg.argument.strip())
    elif msg.kind is InboundKind.TEXT and _idle(state):
        typed = _TYPED.fullmatch(msg.text.strip().translate(_FULL_WIDTH_DIGITS))
        if typed is None or not env.texts.said("alert.words.seen", typed.group(1)):
            return None
        return int(typed.group(2))
    else:
        return None
    return int(found.group(1)) if found else None


def _idle(state: State) -> bool:
    """No report, follow-up or coordinator's question is waiting for this text."""
    return state.kind is None and state.step not in FOLLOWUP_STEPS and not state.pending_reply


def answer_alert(state: State, msg: Inbound, env: Env, alert_id: int, notice: str) -> Outcome:
    """Start a sighting linked to the alert (safety first); a report under way is kept."""
    link = env.alerts.alert_case(alert_id) if env.alerts else None
    if busy_with_report(state):
        case_id = link[0] if link else str(alert_id)
        return reask(state, env, env.t(state.language, "alert.seen.busy", case_id=case_id))
    kept = {k: v for k, v in state.draft.items() if k == Step.MEDIA}
    state.reset()
    state.kind, state.draft_id, state.draft = ReportKind.SIGHTING.value, str(uuid.uuid4()), kept
    before = [notice]
    if link is None:
        before.append(env.t(state.language, "alert.seen.unknown", alert_id=alert_id))
    else:
        state.draft[ALERT_KEY] = {"id": alert_id, "case_id": link[0]}
        before.append(env.t(state.language, "alert.seen.start", case_id=link[0]))
    if state.language is None:  # the language first, then straight to the safety step
        state.return_to = Step.SAFETY
        return go_to(state, Step.LANGUAGE, env)
    return go_to(state, Step.SAFETY, env, "\n\n".join(filter(None, before)))
