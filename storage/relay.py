"""Data access for the anonymous relay and for tipsters coming back with code + PIN."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.crypto import FieldCipher
from storage.models import Report
from storage.outbox import OutboxJob, add_outbox_item
from storage.pin_throttle import give_back_try, take_try
from storage.reports import append_event, get_report
from storage.workflow_models import RelayDirection, RelayMessage

__all__ = [
    "FollowupRefused",
    "add_tipster_message",
    "check_followup",
    "relay_thread",
]

log = logging.getLogger(__name__)
FAILURE_WINDOW = timedelta(hours=1)
PER_CODE_AND_CHAT = 5  # wrong PINs for one code from one chat (the owner's only limit)
PER_CHAT = 10  # wrong PINs or unknown codes from a chat that doesn't own the code
PER_CODE = 5  # wrong PINs for one code from all the chats that don't own it


class FollowupRefused(ValueError):
    """Code + PIN not accepted; `key` is the catalogue text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _limits(report: Report | None, who: str) -> dict[str, int]:
    """The counts a try at this code from this chat goes into, with their limits.

    The chat the report came from (its tipster's blind index) counts only its own wrong
    PINs, so strangers guessing its code can slow each other down but never lock it out.
    """
    if report is None:
        return {f"chat:{who}": PER_CHAT}
    pair = {f"pin:{report.id}:{who}": PER_CODE_AND_CHAT}
    if report.tipster_key == who:
        return pair
    return pair | {f"chat:{who}": PER_CHAT, f"code:{report.id}": PER_CODE}


def _take_tries(session: Session, limits: dict[str, int], now: datetime) -> list[str]:
    """Take a try from every count, or from none (refused: FollowupRefused)."""
    taken: list[str] = []
    for key, limit in limits.items():
        if not take_try(session=session, key=key, limit=limit, window=FAILURE_WINDOW, now=now):
            for earlier in taken:
                give_back_try(session=session, key=earlier)
            raise FollowupRefused("followup.throttled")
        taken.append(key)
    return taken


def check_followup(
    *, session: Session, cipher: FieldCipher, ref: str, pin: str, who: str, now: datetime
) -> Report:
    """The report for a reference code + PIN; wrong PINs are throttled per code and chat."""
    report = get_report(session=session, ref=ref)
    try:
        taken = _take_tries(session, _limits(report, who), now)
    except FollowupRefused:
        log.info("report %s: follow-up refused, too many wrong PINs", report and report.id)
        raise
    if report is not None and cipher.verify_pin(pin.strip(), report.pin_hash):
        for key in taken:  # only wrong PINs count
            give_back_try(session=session, key=key)
        return report
    if report is not None:
        append_event(
            session=session,
            report_id=report.id or 0,
            actor="tipster",
            action="followup_pin_refused",
        )
    raise FollowupRefused("followup.wrong")


def add_tipster_message(*, session: Session, report: Report, body: str) -> RelayMessage:
    """Attach what the tipster said to their tip and queue a note to coordinators."""
    assert report.id is not None
    message = RelayMessage(report_id=report.id, direction=RelayDirection.FROM_TIPSTER, body=body)
    session.add(message)
    session.flush()
    append_event(
        session=session,
        report_id=report.id,
        actor="tipster",
        action="tipster_replied",
        detail={"relay_id": message.id},
    )
    add_outbox_item(
        session=session,
        report_id=report.id,
        job=OutboxJob.TIPSTER_REPLIED,
        subject_id=message.id or 0,
    )
    return message


def relay_thread(*, session: Session, report_id: int) -> list[RelayMessage]:
    """The anonymous conversation of one tip, oldest first."""
    statement = select(RelayMessage).where(RelayMessage.report_id == report_id)
    return list(session.exec(statement.order_by(col(RelayMessage.id))))
