"""Case alerts: the neighbours who asked to be told, the alerts, and one outbox row per message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _ts, utcnow

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertPhotoUpload",
    "DeliveryKind",
    "DeliveryStatus",
    "Subscription",
]


class DeliveryStatus(StrEnum):
    """Where one message to one subscriber is."""

    PENDING = "pending"  # not tried, or released after a crash before it was sent
    SENDING = "sending"  # claimed by a worker and handed to the platform this moment
    UNCERTAIN = "uncertain"  # its worker died while sending: probably delivered, never re-sent
    SENT = "sent"
    BLOCKED = "blocked"  # the subscriber blocked the bot or left: skipped for good
    UNREACHABLE = "unreachable"  # the platform's rules don't let us write to them now
    FAILED = "failed"  # tried too often
    WITHDRAWN = "withdrawn"  # the alert was closed before this row was sent


class DeliveryKind(StrEnum):
    """Which message of an alert a delivery carries."""

    ALERT = "alert"
    CLOSED = "closed"  # "the alert is over"


class Subscription(SQLModel, table=True):
    """Where one platform user wants to hear of missing children: a point and a radius, or
    provinces and cities. The platform id is encrypted; the point is a ~1 km cell."""

    __table_args__ = (UniqueConstraint("platform", "user_key", "area_key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    user_key: str = Field(max_length=64, index=True, description="blind index of the user id")
    user_ref: str = Field(description="platform user id, encrypted")
    language: str = Field(max_length=8)
    latitude: float | None = Field(default=None, description="the ~1 km cell (0.01°) only")
    longitude: float | None = Field(default=None, description="the ~1 km cell (0.01°) only")
    radius_km: int | None = None
    provinces: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    area_key: str = Field(max_length=200, description="the area in one string, for dedupe")
    created_at: datetime = _ts(nullable=False, default=utcnow)


class Alert(SQLModel, table=True):
    """A registry case published to subscribers, with who published it, why, and its end."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int | None = Field(
        default=None, foreign_key="registryentry.id", index=True, ondelete="SET NULL"
    )
    case_id: str = Field(max_length=64, index=True)
    # What the text is made of, language-neutral, as it was when published.
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    consent: str = Field(description="how the family agreed to the alert")
    photo_allowed: bool = False
    # The registry photo the family agreed to show (chosen when published); None: no photo.
    photo_id: int | None = Field(default=None, foreign_key="registryphoto.id", ondelete="SET NULL")
    center_lat: float | None = None
    center_lon: float | None = None
    missing_at: datetime | None = _ts(nullable=True)
    provinces: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_by: str = Field(max_length=64)
    published_at: datetime = _ts(nullable=False, default=utcnow)
    closed_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = _ts(nullable=True)
    found: bool = False


class AlertDelivery(SQLModel, table=True):
    """One message of an alert to one subscriber: the outbox row that makes it sent once."""

    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", "kind"),
        # The next rows to send of an alert, nearest first.
        Index("ix_alertdelivery_next", "alert_id", "kind", "status", "rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", ondelete="CASCADE")
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    kind: str = Field(default=DeliveryKind.ALERT, max_length=16)
    rank: int = Field(description="0 is sent first: the nearest")
    distance_km: float | None = None
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    attempts: int = 0
    claimed_at: datetime | None = _ts(nullable=True)
    # When the photo went as a message of its own, before the text (Telegram's long alerts,
    # WeChat's image): a retry after the text failed sends the text alone.
    photo_sent_at: datetime | None = _ts(nullable=True)
    sent_at: datetime | None = _ts(nullable=True)
    failure: str | None = Field(default=None, max_length=128)


class AlertPhotoUpload(SQLModel, table=True):
    """A platform's id for an alert's photo once uploaded (Telegram's file_id, WeChat's
    media_id), so the bytes go up once per alert, not once per subscriber."""

    alert_id: int = Field(foreign_key="alert.id", primary_key=True, ondelete="CASCADE")
    platform: str = Field(max_length=32, primary_key=True)
    ref: str = Field(max_length=256)
    uploaded_at: datetime = _ts(nullable=False, default=utcnow)
