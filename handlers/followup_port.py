"""The follow-up port backed by the database, for one tipster inside one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.answers import AnswerError
from storage import Attachment, FieldCipher, Report, ReportStatus
from storage.relay import FollowupRefused, add_tipster_message, check_followup
from storage.reports import append_event

__all__ = ["StoredFollowup", "tipster_status"]

_TIPSTER_STATUS = {
    ReportStatus.NEW: "received",
    ReportStatus.IN_REVIEW: "reviewing",
    ReportStatus.VERIFIED: "reviewing",
    ReportStatus.REFERRED: "referred",
    ReportStatus.CLOSED: "closed",
}


def tipster_status(status: str) -> str:
    """What a tipster may know of a status: never notes, names or other tips."""
    return _TIPSTER_STATUS.get(ReportStatus(status), "received")


class StoredFollowup:
    """Implements `handlers.state.FollowupPort` on a session; remembers reports it touched."""

    def __init__(
        self, *, session: Session, cipher: FieldCipher, who: str, channel: str, now: datetime
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.who = who
        self.channel = channel
        self.now = now
        self.touched: set[int] = set()

    def _report(self, report_id: int) -> Report:
        report = self.session.get(Report, report_id)
        if report is None:
            raise AnswerError("followup.wrong")
        return report

    def check(self, ref: str, pin: str) -> tuple[int, str]:
        """(report id, reference) for a code + PIN."""
        try:
            report = check_followup(
                session=self.session,
                cipher=self.cipher,
                ref=ref,
                pin=pin,
                who=self.who,
                now=self.now,
            )
        except FollowupRefused as refused:
            raise AnswerError(refused.key) from refused
        append_event(
            session=self.session,
            report_id=report.id or 0,
            actor="tipster",
            action="followup_opened",
        )
        return report.id or 0, report.ref

    def status(self, report_id: int) -> str:
        """The tipster-safe status."""
        return tipster_status(self._report(report_id).status)

    def add_message(self, report_id: int, text: str) -> None:
        """Attach the tipster's words to the tip."""
        add_tipster_message(session=self.session, report=self._report(report_id), body=text)
        self.touched.add(report_id)

    def add_attachment(self, report_id: int, media_type: str, media_ref: str) -> None:
        """Attach a file sent after the report was submitted."""
        attachment = Attachment(
            report_id=report_id, channel=self.channel, media_type=media_type, channel_ref=media_ref
        )
        self.session.add(attachment)
        self.session.flush()
        append_event(
            session=self.session,
            report_id=report_id,
            actor="tipster",
            action="attachment_added",
            detail={"attachment_id": attachment.id},
        )
