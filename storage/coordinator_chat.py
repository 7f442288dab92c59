"""The coordinators' Telegram group: where each tip's card and match notices are, and prompts
awaiting a reply."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, UniqueConstraint, delete
from sqlmodel import Field, Session, SQLModel, col, select

from storage.claims import claim_holder_id, claim_is_live
from storage.models import Report, ReportStatus, _ts, utcnow
from storage.reports import queue_order
from storage.workflow_models import Coordinator

__all__ = [
    "NOTICE_KEEP",
    "ChatPrompt",
    "MatchNotice",
    "TipCard",
    "add_prompt",
    "claim_holder",
    "find_card",
    "find_notice",
    "find_prompt",
    "save_card",
    "save_notice",
    "tips_claimed_by",
]

PROMPT_KEEP = timedelta(days=7)  # unanswered prompts older than this are dropped
NOTICE_KEEP = timedelta(days=180)  # a match notice is remembered this long, for its verdict


class TipCard(SQLModel, table=True):
    """The message in the coordinators' group that shows a tip (edited when the tip changes)."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", unique=True, ondelete="CASCADE")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    updated_at: datetime = _ts(nullable=False, default=utcnow)


class MatchNotice(SQLModel, table=True):
    """A match's notice under a tip's card (with Confirm / Dismiss), edited to say its verdict.

    Its text is what the group was shown: the tip's reference, scores and the case; never
    anything the tipster said."""

    __table_args__ = (UniqueConstraint("report_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    case_id: str = Field(max_length=64)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    text: str
    created_at: datetime = _ts(nullable=False, default=utcnow, index=True)


class ChatPrompt(SQLModel, table=True):
    """A message asking a coordinator for text (a question, a note, a referral), by reply."""

    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    coordinator_id: int = Field(foreign_key="coordinator.id", ondelete="CASCADE")
    action: str = Field(max_length=32, description="ask, note, or refer:<kind>")
    created_at: datetime = _ts(nullable=False, default=utcnow, index=True)
    answered_at: datetime | None = _ts(nullable=True)


def find_card(*, session: Session, report_id: int) -> TipCard | None:
    """Where a tip's card is, if it was posted."""
    return session.exec(select(TipCard).where(TipCard.report_id == report_id)).first()


def save_card(*, session: Session, report_id: int, chat_id: int, message_id: int) -> TipCard:
    """Remember (or move) a tip's card."""
    card = find_card(session=session, report_id=report_id) or TipCard(
        report_id=report_id, chat_id=chat_id, message_id=message_id
    )
    card.chat_id, card.message_id, card.updated_at = chat_id, message_id, utcnow()
    session.add(card)
    return card


def find_notice(*, session: Session, report_id: int, case_id: str) -> MatchNotice | None:
    """Where a match's notice is, if one was posted and not forgotten since."""
    statement = select(MatchNotice).where(
        MatchNotice.report_id == report_id, MatchNotice.case_id == case_id
    )
    return session.exec(statement).first()


def save_notice(
    *, session: Session, report_id: int, case_id: str, chat_id: int, message_id: int, text: str
) -> MatchNotice:
    """Remember a match's notice (the latest one for the tip and case); forget notices older
    than `NOTICE_KEEP`."""
    session.exec(delete(MatchNotice).where(col(MatchNotice.created_at) < utcnow() - NOTICE_KEEP))
    notice = find_notice(session=session, report_id=report_id, case_id=case_id) or MatchNotice(
        report_id=report_id, case_id=case_id, chat_id=chat_id, message_id=message_id, text=text
    )
    notice.chat_id, notice.message_id, notice.text = chat_id, message_id, text
    notice.created_at = utcnow()
    session.add(notice)
    return notice


def add_prompt(
    *,
    session: Session,
    chat_id: int,
    message_id: int,
    report_id: int,
    coordinator_id: int,
    action: str,
) -> ChatPrompt:
    """Remember a prompt until it is answered; forget prompts nobody answered for a week."""
    session.exec(delete(ChatPrompt).where(col(ChatPrompt.created_at) < utcnow() - PROMPT_KEEP))
    prompt = ChatPrompt(
        chat_id=chat_id,
        message_id=message_id,
        report_id=report_id,
        coordinator_id=coordinator_id,
        action=action,
    )
    session.add(prompt)
    return prompt


def find_prompt(*, session: Session, chat_id: int, message_id: int) -> ChatPrompt | None:
    """The prompt a reply answers, if that message was one."""
    statement = select(ChatPrompt).where(
        ChatPrompt.chat_id == chat_id, ChatPrompt.message_id == message_id
    )
    return session.exec(statement).first()


def tips_claimed_by(
    *, session: Session, coordinator_id: int, now: datetime, limit: int = 50
) -> list[Report]:
    """Open tips a coordinator holds a live claim on, in queue order."""
    statement = (
        select(Report)
        .where(
            Report.claimed_by_id == coordinator_id,
            claim_is_live(now),
            Report.status != ReportStatus.CLOSED,
        )
        .order_by(*queue_order(now))
    )
    return list(session.exec(statement.limit(limit)))


def claim_holder(*, session: Session, report: Report, now: datetime) -> str | None:
    """The name of whoever holds a live claim on a tip."""
    holder_id = claim_holder_id(report, now)
    if holder_id is None:
        return None
    holder = session.get(Coordinator, holder_id)
    return holder.name if holder is not None else None
