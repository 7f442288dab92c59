"""The missing-child registry and the match candidates proposed to coordinators."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _ts, utcnow

__all__ = [
    "DnaStatus",
    "EntryStatus",
    "MatchCandidate",
    "MatchStatus",
    "RegistryEntry",
    "RegistryKind",
    "SameChildLink",
]


class RegistryKind(StrEnum):
    """Who is searching."""

    FAMILY_SEEKING_CHILD = "family_seeking_child"
    CHILD_SEEKING_FAMILY = "child_seeking_family"


class EntryStatus(StrEnum):
    """Where a registry case stands."""

    OPEN = "open"
    FOUND = "found"
    REUNITED = "reunited"
    CLOSED = "closed"


class DnaStatus(StrEnum):
    """Whether the family's (or the searcher's) DNA sample is on file."""

    NOT_TAKEN = "not_taken"
    TAKEN = "taken"
    MATCHED = "matched"


class MatchStatus(StrEnum):
    """A coordinator's verdict on a proposed match or same-child link."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class RegistryEntry(SQLModel, table=True):
    """A missing child reported by a family, or a person searching for their family."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(max_length=32)
    name: str = ""
    other_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sex: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    birth_year_only: bool = False
    missing_date: date | None = None
    missing_place: str = ""
    home_province: str | None = Field(default=None, max_length=16)
    dialect: str | None = Field(default=None, max_length=64)
    marks: str = ""
    description: str = ""
    source: str = Field(default="import", max_length=16, description="import or report")
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="SET NULL")
    verified: bool = False
    status: str = Field(default=EntryStatus.OPEN, max_length=16, index=True)
    police_case_number: str = Field(default="", max_length=64)
    dna_status: str = Field(default=DnaStatus.NOT_TAKEN, max_length=16)
    family_contact: str | None = Field(default=None, description="encrypted (storage/crypto.py)")
    # The names and their lower-case pinyin, so "明明", "wang xiao" and "wxm" all find 王小明 (明明).
    search_names: str = ""
    created_at: datetime = _ts(nullable=False, default=utcnow)
    updated_at: datetime = _ts(nullable=False, default=utcnow)


class MatchCandidate(SQLModel, table=True):
    """A registry entry proposed as the child of a tip, with the score and the reasons."""

    __table_args__ = (UniqueConstraint("report_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="registryentry.id", index=True, ondelete="CASCADE")
    score: float
    # Catalogue keys and parameters: {"key": "match.reason.…", "params": {…}, "weight": 4.9}.
    reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=MatchStatus.PROPOSED, max_length=16)
    notified: bool = False
    decided_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)


class SameChildLink(SQLModel, table=True):
    """Two tips probably about the same child, proposed for a coordinator to confirm."""

    __table_args__ = (UniqueConstraint("report_id", "other_report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    other_report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    score: float
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=MatchStatus.PROPOSED, max_length=16)
    decided_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)

    def pair(self) -> dict[str, Any]:
        """The two report ids, smaller first."""
        return {
            "a": min(self.report_id, self.other_report_id),
            "b": max(self.report_id, self.other_report_id),
        }
