"""Age evidence: the child has grown since going missing, and apparent ages are rough."""

from __future__ import annotations

import math
from datetime import date

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import Rarity
from triage.matching.reasons import reason

_DAYS_PER_YEAR = 365.25
# Ages of children in the registry span roughly this many years.
_AGE_SPAN = 18.0
# How often a tipster's age is simply wrong (a tall child, a guess): never rules a child out.
_WRONG_AGE = 0.12
# Share of a birth year (of a sex) before any registry counts: children over ~18 years.
_YEAR_PRIOR = 1 / 54


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


def age_evidence(
    tip: TipProfile, entry: RegistryProfile, *, today: date, rarity: Rarity | None = None
) -> Evidence:
    """How well the apparent age fits the age the registered child would have reached.

    Against any registered child (`rarity`: the registry's birth years), else against ages
    spread evenly over the span.
    """
    seen = apparent_range(tip)
    on = tip.seen_on or today
    expected = expected_age(entry, on)
    if seen is None or expected is None:
        return no_evidence(Feature.AGE)
    if expected < 0:
        why = reason("age.before_birth", seen=on.isoformat(), born=f"{entry.birth_date:%Y}")
        return Evidence(Feature.AGE, 0.0, why)
    low, high = seen
    tolerance = age_tolerance(expected, year_only=entry.birth_year_only)
    gap = max(low - expected, expected - high, 0.0)
    # Quadratic in the gap, like a normal error: one tolerance off costs little, three rule out.
    score = max(0.0, 1.0 - (gap / tolerance) ** 2 / 9.0)
    shown = f"{low}" if low == high else f"{low}-{high}"
    why = reason("age.fits", seen=shown, expected=f"{expected:.0f}")
    llr = age_log_likelihood_ratio(seen, expected, year_only=entry.birth_year_only)
    if rarity is not None:
        llr += math.log(1 / _AGE_SPAN / any_childs_age(seen, on, rarity))
    return Evidence(Feature.AGE, score, why, llr=llr)


def any_childs_age(seen: tuple[int, int], on: date, rarity: Rarity) -> float:
    """P(this apparent range | a registered child at random), by how many were born each year.

    An age no registered child has reached (a teenager of 25, a baby of 1 where the
    youngest are 3) is then read as a wrong guess about any of them, not as proof against.
    """
    return rarity.remembered(("age", seen, on), lambda: _any_childs_age(seen, on, rarity))


def _any_childs_age(seen: tuple[int, int], on: date, rarity: Rarity) -> float:
    years = range(on.year - 30, on.year + 1)
    counts = [sum(rarity.share(f"y:{sex}:{y}", _YEAR_PRIOR) for sex in "MF?") for y in years]
    total = sum(counts)
    return sum(
        count / total * _apparent(seen, (on - date(y, 7, 1)).days / _DAYS_PER_YEAR)
        for y, count in zip(years, counts, strict=True)
    )


def _apparent(seen: tuple[int, int], expected: float) -> float:
    """P(this apparent range | the child's age), per year of the span (as the ratio's numerator)."""
    return math.exp(age_log_likelihood_ratio(seen, expected, year_only=False)) / _AGE_SPAN


def age_log_likelihood_ratio(seen: tuple[int, int], expected: float, *, year_only: bool) -> float:
    """log P(this apparent range | the child's age) / P(it | any child's age).

    A tipster's range is a guess around its middle: the middle is the true age plus a normal
    error that grows with age (and with a birth year alone), the range's width a little more;
    a share of guesses are just wrong, so no age rules a child out.
    """
    low, high = seen
    middle = (low + high) / 2
    spread = 0.3 + 0.1 * max(expected, 0.0) + (0.3 if year_only else 0.0)
    spread = math.sqrt(spread**2 + ((high - low) / 4) ** 2)
    # The middle as said, to the year: the chance of this one year against any child's.
    near = _normal_cdf((middle + 0.5 - expected) / spread)
    near -= _normal_cdf((middle - 0.5 - expected) / spread)
    return math.log((1 - _WRONG_AGE) * near * _AGE_SPAN + _WRONG_AGE)


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
