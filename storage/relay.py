"""Data access for the anonymous relay and for tipsters coming back with code + PIN."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from storage.crypto import FieldCipher
from storage.models import Report
from storage.outbox import add_outbox_item
from storage.reports import append_event, get_report
from storage.workflow_models import FollowupAttempt, RelayDirection, RelayMessage

__all__ = [
    "RELAY_TO_TIPSTER",
    "TIPSTER_REPLIED",
    "TIP_CHANGED",
    "FollowupRefused",
    "add_tipster_message",
    "check_followup",
    "relay_thread",
]

RELAY_TO_TIPSTER = "relay_to_tipster"
TIP_CHANGED = "tip_changed"
TIPSTER_REPLIED = "tipster_replied"
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


class FollowupRefused(ValueError):
    """Code + PIN not accepted; `key` is the catalogue text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _failures(session: Session, key: str, since: datetime) -> int:
    statement = select(func.count()).where(
        FollowupAttempt.key == key,
        col(FollowupAttempt.success).is_(False),
        col(FollowupAttempt.at) >= since,
    )
    return int(session.exec(statement).one())


def check_followup(
    *, session: Session, cipher: FieldCipher, ref: str, pin: str, who: str, now: datetime
) -> Report:
    """The report for a reference code + PIN; wrong PINs are throttled per person and per code."""
    since = now - FAILURE_WINDOW
    report = get_report(session=session, ref=ref)
    keys = [who] + ([f"ref:{report.ref}"] if report else [])
    if any(_failures(session, key, since) >= MAX_FAILURES for key in keys):
        raise FollowupRefused("followup.throttled")
    accepted = report is not None and cipher.verify_pin(pin.strip(), report.pin_hash)
    for key in keys:
        session.add(FollowupAttempt(key=key, success=accepted, at=now))
    if report is None or not accepted:
        if report is not None:
            append_event(
                session=session,
                report_id=report.id or 0,
                actor="tipster",
                action="followup_pin_refused",
            )
        raise FollowupRefused("followup.wrong")
    return report


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
        session=session, report_id=report.id, job=TIPSTER_REPLIED, subject_id=message.id or 0
    )
    return message


def relay_thread(*, session: Session, report_id: int) -> list[RelayMessage]:
    """The anonymous conversation of one tip, oldest first."""
    statement = select(RelayMessage).where(RelayMessage.report_id == report_id)
    return list(session.exec(statement.order_by(col(RelayMessage.id))))
