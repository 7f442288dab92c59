"""Age evidence: the child has grown since going missing, and apparent ages are rough."""

from __future__ import annotations

from datetime import date

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile

_DAYS_PER_YEAR = 365.25
# Ages of children in the registry span roughly this many years.
_AGE_SPAN = 18.0


def expected_age(entry: RegistryProfile, on: date) -> float | None:
    """The registered child's age in years on a given day (mid-year when only the year is known)."""
    if entry.birth_date is None:
        return None
    born = date(entry.birth_date.year, 7, 1) if entry.birth_year_only else entry.birth_date
    return (on - born).days / _DAYS_PER_YEAR


def age_tolerance(age: float, *, year_only: bool) -> float:
    """Guessing a teenager's age is harder than a toddler's; a bare birth year adds slack."""
    return 0.75 + 0.1 * max(age, 0.0) + (0.5 if year_only else 0.0)


def apparent_range(tip: TipProfile) -> tuple[int, int] | None:
    """The tipster's age range, filling a missing bound from the other."""
    low = tip.age_min if tip.age_min is not None else tip.age_max
    high = tip.age_max if tip.age_max is not None else tip.age_min
    if low is None or high is None:
        return None
    return (min(low, high), max(low, high))


def age_evidence(tip: TipProfile, entry: RegistryProfile, *, today: date) -> Evidence:
    """How well the apparent age fits the age the registered child would have reached."""
    seen = apparent_range(tip)
    on = tip.seen_on or today
    expected = expected_age(entry, on)
    if seen is None or expected is None:
        return no_evidence(Feature.AGE, "age unknown")
    if expected < 0:
        return Evidence(Feature.AGE, 0.0, f"seen {on} before birth {entry.birth_date:%Y}")
    low, high = seen
    tolerance = age_tolerance(expected, year_only=entry.birth_year_only)
    gap = max(low - expected, expected - high, 0.0)
    # Quadratic in the gap, like a normal error: one tolerance off costs little, three rule out.
    score = max(0.0, 1.0 - (gap / tolerance) ** 2 / 9.0)
    # A wide apparent range fits many children by chance, so it proves less.
    chance = min((high - low + 2.0 * tolerance) / _AGE_SPAN, 0.9)
    shown = f"{low}" if low == high else f"{low}-{high}"
    return Evidence(
        Feature.AGE, score, f"seen as {shown}, expected about {expected:.0f}", chance=chance
    )
