"""What came of a tip: found, reunited, not the child, no trace — with the day, who and why."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from storage.models import _ts, utcnow

__all__ = ["Outcome", "OutcomeKind"]


class OutcomeKind(StrEnum):
    """What became of the child a tip was about."""

    FOUND = "found"
    REUNITED = "reunited"
    NOT_THE_CHILD = "not_the_child"
    NO_TRACE = "no_trace"


class Outcome(SQLModel, table=True):
    """One outcome of one tip; an outcome recorded on a case is one row per tip of the case,
    sharing a `batch`. Append-only: the latest (by day, then id) is the tip's outcome now."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16, index=True, description="an OutcomeKind")
    happened_on: date = Field(description="the day it happened, as the coordinator said")
    coordinator_id: int | None = Field(
        default=None, foreign_key="coordinator.id", ondelete="SET NULL"
    )
    recorded_by: str = Field(max_length=64, description="the coordinator's name, kept")
    note: str | None = None
    batch: str = Field(max_length=32, index=True, description="rows recorded together")
    recorded_at: datetime = _ts(nullable=False, default=utcnow)
