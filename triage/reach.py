"""Reaching a tipster again: whether a question can get to them, and how a caller agreed to be
called back.

A question goes back through the tipster's own chat (Telegram, WeChat); a tip keyed at the
terminal or imported has none, and every interface says so before anyone types a question.
For those, a hotline operator records the callback arrangement the caller agreed to ("call
after 8 pm, say you're from the library"). It is encrypted at rest and shown with any phone
number in it masked, like the contact, until a coordinator reveals the contact (recorded).
"""

from __future__ import annotations

import re

from sqlmodel import Session

from handlers.answers import mask_phone
from storage import Channel, Coordinator, FieldCipher, Report
from triage.actions import record_action
from triage.errors import Label, WorkflowError

__all__ = [
    "MAX_CALLBACK",
    "REACHABLE_CHANNELS",
    "callback_text",
    "mask_numbers",
    "record_callback",
    "why_not_askable",
]

REACHABLE_CHANNELS = frozenset({Channel.TELEGRAM, Channel.WECHAT})
MAX_CALLBACK = 500
# A run of seven or more digits, perhaps spaced or dashed: a phone number, or near enough.
_NUMBER = re.compile(r"\+?\d(?:[\s\-.]?\d){6,}")


def why_not_askable(report: Report) -> WorkflowError | None:
    """None if a question can reach the tipster; else why not, to show instead of the form."""
    if report.channel in REACHABLE_CHANNELS and report.tipster_ref:
        return None
    if report.channel in REACHABLE_CHANNELS:  # they asked us to forget them
        return WorkflowError("workflow.tipster_forgotten", ref=report.ref)
    return WorkflowError(
        "workflow.no_channel_back", ref=report.ref, channel=Label("channel", report.channel)
    )


def mask_numbers(text: str) -> str:
    """The text with every phone-like number masked as `mask_phone` masks the contact."""

    def mask(found: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", found.group())
        if found.group().startswith("+"):
            return mask_phone("+" + digits)
        head = digits[:3] if len(digits) >= 11 else ""  # a shorter number keeps only its end
        return head + "*" * (len(digits) - len(head) - 4) + digits[-4:]

    return _NUMBER.sub(mask, text)


def callback_text(report: Report, cipher: FieldCipher, *, reveal: bool) -> str | None:
    """The callback arrangement as a coordinator may read it (numbers masked unless revealed)."""
    if not report.callback_arrangement:
        return None
    text = cipher.decrypt(report.callback_arrangement)
    return text if reveal else mask_numbers(text)


def record_callback(
    *, session: Session, report: Report, coordinator: Coordinator, text: str, cipher: FieldCipher
) -> None:
    """Record how the caller agreed to be called back (replaces the last; the log keeps who)."""
    arrangement = " ".join(text.split())[:MAX_CALLBACK]
    if not arrangement:
        raise WorkflowError("workflow.callback_empty")
    report.callback_arrangement = cipher.encrypt(arrangement)
    session.add(report)
    # Not the words in the log: they may hold a number.
    record_action(session, report, coordinator, "callback_recorded")
