"""The coordinators' tables: who they are, notes, referrals, the anonymous relay, PIN tries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.models import _ts, utcnow

__all__ = [
    "AllowListChange",
    "Coordinator",
    "FollowupAttempt",
    "Note",
    "PurgeRecord",
    "Referral",
    "RelayDirection",
    "RelayMessage",
    "Role",
]


class Role(StrEnum):
    """What a coordinator may do: leads also reassign, admins also manage coordinators."""

    COORDINATOR = "coordinator"
    LEAD = "lead"
    ADMIN = "admin"


class RelayDirection(StrEnum):
    """Which way a relayed message goes."""

    TO_TIPSTER = "to_tipster"
    FROM_TIPSTER = "from_tipster"


class Coordinator(SQLModel, table=True):
    """A vetted member of NGO staff or a volunteer on the allow-list."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(default=Role.COORDINATOR, max_length=16)
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    password_hash: str | None = None
    active: bool = True
    created_at: datetime = _ts(nullable=False, default=utcnow)


class AllowListChange(SQLModel, table=True):
    """Who put someone on the allow-list, changed their role or took them off (append-only)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True, description="the coordinator changed")
    actor: str = Field(max_length=64, description="who changed it ('cli' for the server shell)")
    action: str = Field(max_length=32)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _ts(nullable=False, default=utcnow)


class Note(SQLModel, table=True):
    """An internal note on a tip, never shown to the tipster."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    coordinator_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    body: str
    created_at: datetime = _ts(nullable=False, default=utcnow)


class Referral(SQLModel, table=True):
    """A tip passed to the police, a partner organisation or a DNA-sampling referral."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    coordinator_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    kind: str = Field(max_length=32)
    to_whom: str
    reference: str | None = None
    created_at: datetime = _ts(nullable=False, default=utcnow)


class RelayMessage(SQLModel, table=True):
    """One message of the anonymous conversation between coordinators and a tipster."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    direction: str = Field(max_length=16)
    coordinator_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    body: str
    delivered_at: datetime | None = _ts(nullable=True)
    failure: str | None = Field(default=None, max_length=128)
    created_at: datetime = _ts(nullable=False, default=utcnow)


class PurgeRecord(SQLModel, table=True):
    """What a retention purge or a tipster's deletion request removed (references only)."""

    id: int | None = Field(default=None, primary_key=True)
    what: str = Field(max_length=32)
    count: int
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _ts(nullable=False, default=utcnow, index=True)


class FollowupAttempt(SQLModel, table=True):
    """A try at reference code + PIN, kept to throttle guessing."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True, description="blind index of who tried")
    success: bool = False
    at: datetime = _ts(nullable=False, default=utcnow, index=True)
