"""The coordinators' tables: staff, notes, referrals, the relay, wrong PINs, blocked tipsters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel

from storage.models import _ts, utcnow

__all__ = [
    "AllowListChange",
    "Coordinator",
    "Note",
    "PinThrottle",
    "PurgeRecord",
    "Referral",
    "RelayDirection",
    "RelayMessage",
    "Role",
    "TipsterBlock",
    "is_lead_role",
]


class Role(StrEnum):
    """What a coordinator may do: leads also reassign, admins also manage coordinators."""

    COORDINATOR = "coordinator"
    LEAD = "lead"
    ADMIN = "admin"


def is_lead_role(role: str) -> bool:
    """Leads and admins: they also reassign tips, overrule a claim and block tipsters."""
    return role in (Role.LEAD, Role.ADMIN)


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
    # A dashboard session carries the number it began with; raising it ends them all.
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Failed sign-ins for this name before this moment no longer count (an admin, a new password).
    failures_cleared_at: datetime | None = _ts(nullable=True)


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
    blocked: bool = Field(default=False, description="sent while its tipster was blocked")
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


class PinThrottle(SQLModel, table=True):
    """Wrong PINs counted for one key (a code and a chat, a chat, a code) in a window."""

    key: str = Field(max_length=96, primary_key=True, description="blind indexes, never ids")
    failures: int = 0
    window_start: datetime = _ts(nullable=False, default=utcnow, index=True)


class TipsterBlock(SQLModel, table=True):
    """A tipster blocked by the blind index of their chat (never who they are), and its lifting."""

    __table_args__ = (
        # At most one block in force per tipster.
        Index(
            "ix_tipsterblock_in_force",
            "tipster_key",
            unique=True,
            postgresql_where=text("lifted_at IS NULL"),
            sqlite_where=text("lifted_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    tipster_key: str = Field(max_length=64, description="the blind index of the tipster's chat")
    report_id: int | None = Field(
        default=None, foreign_key="report.id", ondelete="SET NULL", description="blocked from"
    )
    reason: str
    blocked_by_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    blocked_at: datetime = _ts(nullable=False, default=utcnow)
    lifted_by_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    lifted_at: datetime | None = _ts(nullable=True)
