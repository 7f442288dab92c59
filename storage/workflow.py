"""Data access for coordinators' casework on a tip (tables in workflow_models): notes, referrals."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from storage.workflow_models import Note, Referral

__all__ = ["count_notes", "list_notes", "list_referrals"]


def list_notes(*, session: Session, report_id: int) -> list[Note]:
    """A report's internal notes, oldest first."""
    statement = select(Note).where(Note.report_id == report_id)
    return list(session.exec(statement.order_by(col(Note.id))))


def count_notes(*, session: Session, report_id: int) -> int:
    """How many internal notes a report has (a referral package counts them, never quotes)."""
    statement = select(func.count()).select_from(Note).where(Note.report_id == report_id)
    return int(session.exec(statement).one())


def list_referrals(*, session: Session, report_id: int) -> list[Referral]:
    """Where a report was referred, oldest first."""
    statement = select(Referral).where(Referral.report_id == report_id)
    return list(session.exec(statement.order_by(col(Referral.id))))
