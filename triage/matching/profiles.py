"""The two sides of a match: what a tipster saw and what a family or child registered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from storage import RegistryKind

Sex = Literal["M", "F"]


@dataclass(frozen=True)
class TipProfile:
    """A sighting, reduced to the facts the matcher compares."""

    tip_id: str
    sex: Sex | None = None
    age_min: int | None = None  # apparent age when seen
    age_max: int | None = None
    seen_on: date | None = None
    names: list[str] = field(default_factory=list)  # what the adults call the child
    given_names: list[str] = field(default_factory=list)  # a different name the child gave
    candidate_provinces: list[str] = field(default_factory=list)  # from the child's dialect
    dialect: str | None = None  # the child's dialect as said, e.g. 四川话 or a group id
    province: str | None = None  # where the child was seen
    city: str | None = None
    marks_text: str = ""


@dataclass(frozen=True)
class RegistryProfile:
    """A missing-child report from a family, or a child searching for their family."""

    case_id: str
    kind: RegistryKind = RegistryKind.FAMILY_SEEKING_CHILD
    name: str = ""
    other_names: list[str] = field(default_factory=list)  # nicknames, former names
    sex: Sex | None = None
    birth_date: date | None = None
    birth_year_only: bool = False  # only the year of birth_date is known
    missing_date: date | None = None
    missing_place: str = ""
    home_province: str | None = None
    dialect: str | None = None
    marks: str = ""
    description: str = ""


@dataclass(frozen=True)
class Match:
    """One ranked candidate: how likely the pair is the same child, and why."""

    case_id: str
    score: float  # probability in [0, 1] that this is the child, given the registry
    reasons: list[dict[str, Any]]  # catalogue keys and parameters (triage.matching.reasons)
    tip_id: str = ""
    log_likelihood_ratio: float = 0.0  # how much likelier the tip makes it than a random child
