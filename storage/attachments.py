"""Data access for attachments: the files tipsters sent, fetched and sealed by the worker."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import Attachment

__all__ = [
    "attachment_counts",
    "get_attachment",
    "list_attachments",
    "record_sealed_file",
    "unsealed_attachment_ids",
    "unstored_attachment_ids",
]


def attachment_counts(*, session: Session, report_ids: Sequence[int]) -> dict[int, int]:
    """How many attachments each of these reports has (reports without any are left out)."""
    if not report_ids:
        return {}
    statement = (
        select(Attachment.report_id, func.count())
        .where(col(Attachment.report_id).in_(report_ids))
        .group_by(col(Attachment.report_id))
    )
    return {int(rid): int(count) for rid, count in session.exec(statement) if rid is not None}


def list_attachments(*, session: Session, report_id: int) -> list[Attachment]:
    """A report's attachments in the order they were sent."""
    statement = select(Attachment).where(Attachment.report_id == report_id)
    return list(session.exec(statement.order_by(col(Attachment.id))))


def get_attachment(*, session: Session, attachment_id: int) -> Attachment | None:
    """One attachment by id."""
    return session.get(Attachment, attachment_id)


def unstored_attachment_ids(*, session: Session, report_id: int) -> list[int]:
    """A report's attachments not downloaded into our storage yet."""
    statement = select(Attachment.id).where(
        Attachment.report_id == report_id, col(Attachment.stored_path).is_(None)
    )
    return [i for i in session.exec(statement).all() if i is not None]


def unsealed_attachment_ids(*, session: Session) -> list[int]:
    """Attachments whose file was stored in the clear, before files were encrypted."""
    statement = select(Attachment.id).where(
        col(Attachment.stored_path).is_not(None), col(Attachment.encrypted).is_(False)
    )
    return [i for i in session.exec(statement).all() if i is not None]


def record_sealed_file(*, session: Session, attachment: Attachment, path: str) -> None:
    """Point an attachment at its file, now stored encrypted in our own storage."""
    attachment.stored_path, attachment.encrypted = path, True
    session.add(attachment)
