"""The tables: conversations (drafts), deliveries, reports, attachments, outbox, events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

__all__ = [
    "Attachment",
    "Conversation",
    "Delivery",
    "InboundUpdate",
    "OutboxItem",
    "OutboxStatus",
    "Report",
    "ReportEvent",
    "ReportKind",
    "ReportStatus",
    "utcnow",
]


# Named constraints, so later migrations can drop or alter them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite drops the zone on its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use storage.utcnow() or an aware datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _ts(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ReportKind(StrEnum):
    """What a report is about."""

    SIGHTING = "sighting"
    MISSING_CHILD = "missing_child"
    SEARCHING_FAMILY = "searching_family"
    OTHER = "other"


class ReportStatus(StrEnum):
    """Where a report is in the coordinators' workflow."""

    NEW = "new"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    REFERRED = "referred"
    CLOSED = "closed"


class OutboxStatus(StrEnum):
    """Progress of one piece of follow-up work."""

    PENDING = "pending"
    ENQUEUED = "enqueued"
    DONE = "done"


class Conversation(SQLModel, table=True):
    """One tipster on one channel: the interview state and the unfinished draft."""

    __table_args__ = (UniqueConstraint("channel", "user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    user_key: str = Field(max_length=64, description="blind index of the platform user id")
    user_ref: str = Field(description="platform user id, encrypted")
    state: dict[str, Any] = _json()
    created_at: datetime = _ts(nullable=False, default=utcnow)
    updated_at: datetime = _ts(nullable=False, default=utcnow, index=True)


class Delivery(SQLModel, table=True):
    """An inbound message already handled, with the replies it got (for re-deliveries)."""

    __table_args__ = (UniqueConstraint("channel", "delivery_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    delivery_key: str = Field(max_length=128)
    conversation_id: int | None = Field(
        default=None, foreign_key="conversation.id", ondelete="SET NULL"
    )
    replies: str = Field(default="", description="the replies we gave, encrypted JSON")
    redacted_replies: str | None = Field(
        default=None, description="what replaces replies holding a PIN once it is forgotten"
    )
    created_at: datetime = _ts(nullable=False, default=utcnow, index=True)


class InboundUpdate(SQLModel, table=True):
    """A raw platform update, stored before we acknowledge it, processed after."""

    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        # One chat's updates not yet handled, oldest first; handled ones drop out of it.
        Index(
            "ix_inboundupdate_unhandled",
            "channel",
            "chat_key",
            "id",
            postgresql_where=text("processed_at IS NULL"),
            sqlite_where=text("processed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    update_key: str = Field(max_length=128)
    chat_key: str | None = Field(
        default=None, max_length=64, description="blind index of the chat (not its id)"
    )
    payload: str = Field(description="the raw update, encrypted; emptied once processed")
    received_at: datetime = _ts(nullable=False, default=utcnow, index=True)
    processed_at: datetime | None = _ts(nullable=True)
    failures: int = Field(default=0, description="tries that failed by a fault of its own")
    failure: str | None = Field(
        default=None, max_length=200, description="the last one's error type and place, no text"
    )
    set_aside_at: datetime | None = _ts(nullable=True)


class Report(SQLModel, table=True):
    """A submitted tip: structured fields for coordinators plus the raw answers."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=16, unique=True, index=True)
    pin_hash: str
    draft_id: str = Field(max_length=36, unique=True, description="makes submission idempotent")
    kind: str = Field(max_length=32, description="a ReportKind")
    status: str = Field(default=ReportStatus.NEW, max_length=32, index=True)
    language: str = Field(max_length=8)
    channel: str = Field(max_length=32)
    tipster_ref: str | None = Field(default=None, description="platform user id, encrypted")
    tipster_key: str | None = Field(
        default=None, max_length=64, index=True, description="blind index"
    )
    place_text: str | None = None
    province: str | None = Field(default=None, max_length=16, index=True)
    city: str | None = Field(default=None, max_length=32)
    latitude: float | None = Field(default=None, description="the ~1 km cell (0.01°) only")
    longitude: float | None = Field(default=None, description="the ~1 km cell (0.01°) only")
    exact_location: str | None = Field(
        default=None, description='the exact point shared, "lat,lon", encrypted'
    )
    seen_on: datetime | None = _ts(nullable=True)
    seen_text: str | None = None
    presence: str | None = Field(default=None, max_length=32)
    child_sex: str | None = Field(default=None, max_length=16)
    child_age_min: int | None = None
    child_age_max: int | None = None
    child_description: str | None = None
    names_used: list[str] = _json_list()
    names_given: list[str] = _json_list()
    child_said: str | None = None
    birth_date: date | None = None
    birth_year_only: bool = False
    home_text: str | None = None
    home_province: str | None = Field(default=None, max_length=16)
    dialect: str | None = Field(default=None, max_length=32)
    dialect_text: str | None = None
    dialect_differs: str | None = Field(default=None, max_length=16)
    candidate_provinces: list[str] = _json_list()
    signs: list[str] = _json_list()
    signs_text: str | None = None
    adults: str | None = None
    details: str | None = None
    contact_phone: str | None = Field(default=None, description="E.164 phone, encrypted")
    callback_arrangement: str | None = Field(
        default=None, description="how a caller agreed to be called back, encrypted"
    )
    answers: dict[str, Any] = _json()
    # The case alert this sighting answers ("I've seen this child"); created after the
    # alert table it points to (alert → registry entry → report make a cycle).
    alert_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("alert.id", ondelete="SET NULL", use_alter=True), index=True
        ),
    )
    alert_case_id: str | None = Field(default=None, max_length=64)  # that alert's case
    claimed_by_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    claimed_until: datetime | None = _ts(nullable=True)
    close_reason: str | None = Field(default=None, max_length=32)
    urgency: int | None = Field(default=None, index=True, description="None: not assessed yet")
    imminent: bool = Field(default=False, index=True)
    urgency_reasons: list[str] = _json_list()
    top_until: datetime | None = _ts(nullable=True, index=True)  # on top of the queue until
    escalated_at: datetime | None = _ts(nullable=True)  # imminent, unclaimed: leads were told
    created_at: datetime = _ts(nullable=False, default=utcnow, index=True)
    updated_at: datetime = _ts(nullable=False, default=utcnow)


class Attachment(SQLModel, table=True):
    """A photo, video, voice note or document: a channel reference, later a stored file."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int | None = Field(
        default=None, foreign_key="report.id", index=True, ondelete="CASCADE"
    )
    channel: str = Field(max_length=32)
    media_type: str = Field(max_length=16)
    channel_ref: str = Field(description="the channel's file id or media id")
    stored_path: str | None = None
    encrypted: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": text("false")},
        description="the stored file is encrypted (files stored before that are sealed later)",
    )
    created_at: datetime = _ts(nullable=False, default=utcnow)


class OutboxItem(SQLModel, table=True):
    """Follow-up work written in the same transaction as its report."""

    __table_args__ = (UniqueConstraint("report_id", "job", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    job: str = Field(max_length=64)
    subject_id: int = Field(default=0, description="what the job is about besides the report")
    status: str = Field(default=OutboxStatus.PENDING, max_length=16, index=True)
    attempts: int = 0
    created_at: datetime = _ts(nullable=False, default=utcnow)
    enqueued_at: datetime | None = _ts(nullable=True)
    done_at: datetime | None = _ts(nullable=True)


class ReportEvent(SQLModel, table=True):
    """Append-only log of what happened to a report: who, when, what."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    at: datetime = _ts(nullable=False, default=utcnow)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    detail: dict[str, Any] = _json()
