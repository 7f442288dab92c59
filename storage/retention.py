"""Deleting what we promised not to keep: a tipster's data on request, old closed tips, files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, delete, select

from storage.models import Attachment, Conversation, Delivery, Report, ReportStatus, utcnow
from storage.reports import append_event
from storage.subscriptions import delete_subscriptions_of
from storage.workflow_models import PurgeRecord

__all__ = ["forget_tipster", "purge_attachments", "purge_closed_reports"]


def forget_tipster(*, session: Session, channel: str, user_key: str) -> int:
    """Cut every link from this tipster to their tips and forget what they sent us.

    The tips stay (a child may depend on them) but no longer lead back to the person:
    the channel id and the phone number are erased, the relay can't reach them any more.
    """
    reports = list(
        session.exec(
            select(Report).where(Report.channel == channel, Report.tipster_key == user_key)
        )
    )
    for report in reports:
        report.tipster_ref = report.tipster_key = report.contact_phone = None
        report.callback_arrangement = None
        report.answers = {k: v for k, v in report.answers.items() if k != "phone"}
        session.add(report)
        append_event(
            session=session,
            report_id=report.id or 0,
            actor="tipster",
            action="tipster_data_deleted",
        )
    conversation = session.exec(
        select(Conversation).where(
            Conversation.channel == channel, Conversation.user_key == user_key
        )
    ).first()
    delete_subscriptions_of(session=session, platform=channel, user_key=user_key)  # alerts too
    if conversation is not None:
        session.exec(delete(Delivery).where(col(Delivery.conversation_id) == conversation.id))
        conversation.user_ref = ""
        session.add(conversation)
    session.add(
        PurgeRecord(
            what="tipster_data", count=len(reports), detail={"reports": [r.ref for r in reports]}
        )
    )
    return len(reports)


def purge_closed_reports(*, session: Session, closed_before: datetime) -> list[str]:
    """Delete tips closed (and untouched) since before a moment; returns their references."""
    statement = select(Report).where(
        Report.status == ReportStatus.CLOSED, col(Report.updated_at) < closed_before
    )
    reports = list(session.exec(statement))
    refs = [r.ref for r in reports]
    for report in reports:
        for attachment in session.exec(select(Attachment).where(Attachment.report_id == report.id)):
            if attachment.stored_path:
                Path(attachment.stored_path).unlink(missing_ok=True)
        session.delete(report)
    if refs:
        session.add(PurgeRecord(what="closed_reports", count=len(refs), detail={"reports": refs}))
    return refs


def purge_attachments(*, session: Session, stored_before: datetime) -> int:
    """Delete stored files of closed tips older than a moment; the record of them stays."""
    statement = (
        select(Attachment, Report)
        .where(Attachment.report_id == Report.id, col(Attachment.stored_path).is_not(None))
        .where(Report.status == ReportStatus.CLOSED, col(Attachment.created_at) < stored_before)
    )
    count = 0
    for attachment, report in session.exec(statement):
        Path(attachment.stored_path or "").unlink(missing_ok=True)
        attachment.stored_path = None
        session.add(attachment)
        append_event(
            session=session,
            report_id=report.id or 0,
            actor="system",
            action="attachment_purged",
            detail={"attachment_id": attachment.id},
        )
        count += 1
    if count:
        session.add(
            PurgeRecord(what="attachments", count=count, detail={"at": utcnow().isoformat()})
        )
    return count
