"""P(tip | child) under the benchmark's model: the Bayes-optimal ranking, and so the ceiling."""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import cache

from bench.match_mixes import Mix
from bench.match_model import PROVINCE_P, WIDTHS, Child, Seen, age_on, parts_for
from bench.match_names import any_child_names, names_likelihood
from bench.match_vocab import KIND_SHARES, PROVINCES, WORK_PROVINCES, MarkConcept

BOY_SHARE = 0.6  # make_child's
BIRTH_DAYS = (date(2008, 1, 1), 15 * 365)  # make_child's: the first day, how many
_DIALECT_PROVINCE = {label: p for p, (_, label, _) in PROVINCES.items()}


def likelihood(seen: Seen, child: Child) -> float:
    """P(this sighting | it is this child), up to factors the same for every child."""
    mix = seen.mix
    rest = (
        _sex(seen.sex, child.sex, mix)
        * _dialect(seen.dialect_province, child, mix)
        * _mark(seen.mark, child.marks, mix)
        * names_likelihood(
            seen.names,
            seen.given_names,
            (child.sex, child.surname, child.given, child.nicknames),
            mix,
        )
    )
    return rest * _age(seen, child) if rest else 0.0


def unregistered_likelihood(seen: Seen) -> float:
    """P(this sighting | the child is not registered): `likelihood` summed over every child.

    Such a child is drawn by `make_child` like a registered one: its sex, name (with the
    sex), birth day, home and marks independently, so the sum over children is a product of
    per-feature sums: exact for names per heard string (`bench.match_names`), closed-form for
    the dialect and the marks, and over every birth day for the age.
    """
    mix = seen.mix
    by_sex = sum(
        share * _sex(seen.sex, sex, mix) * any_child_names(seen.names, seen.given_names, sex, mix)
        for sex, share in (("M", BOY_SHARE), ("F", 1 - BOY_SHARE))
    )
    said = seen.dialect_province  # from the home (any) or another province (any): by share
    dialect = 1 - mix.p_dialect if said is None else mix.p_dialect * PROVINCE_P[said]
    own, spurious = mix.p_mark * 3 / 4, mix.p_spurious  # 0, 1, 1 or 2 marks: some 3 times in 4
    mark = (1 - spurious) * (1 - own)
    if seen.mark is not None:  # a child's mark is drawn as a spurious one is
        mark = _mark_anyone(seen.mark, mix.p_side_kept) * (spurious + (1 - spurious) * own)
    if not by_sex:
        return 0.0
    return by_sex * dialect * mark * _any_age(seen.age, seen.seen_on, mix)


_ANY_AGE: dict[tuple[tuple[int, int], date, float, float], float] = {}


def _any_age(said: tuple[int, int], seen_on: date, mix: Mix) -> float:
    """P(the age range said | a child born on any day `make_child` draws)."""
    key = (said, seen_on, mix.p_wrong_age, mix.age_drift)
    if key not in _ANY_AGE:
        first, days = BIRTH_DAYS
        ages = (age_on(first + timedelta(days=d), seen_on) for d in range(days))
        _ANY_AGE[key] = sum(_age_said(said, true, mix) for true in ages) / days
    return _ANY_AGE[key]


def _sex(said: str | None, sex: str, mix: Mix) -> float:
    if said is None:
        return 1 - mix.p_sex
    return mix.p_sex * (mix.p_sex_right if said == sex else 1 - mix.p_sex_right)


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _age(seen: Seen, child: Child) -> float:
    entry = child.entry
    assert entry.birth_date is not None
    if entry.birth_year_only:  # the registry shows the year alone: average over it
        year = entry.birth_date.year
        ages = [
            age_on(entry.birth_date.replace(year=year, month=m, day=15), seen.seen_on)
            for m in (2, 5, 8, 11)
        ]
    else:
        ages = [age_on(entry.birth_date, seen.seen_on)]
    return sum(_age_said(seen.age, true, seen.mix) for true in ages) / len(ages)


def _age_said(said: tuple[int, int], true: float, mix: Mix) -> float:
    """P(the age range said | the child's true age)."""
    low, high = said
    width = high - low
    if width not in WIDTHS:
        return 0.0
    # The apparent age `a` gave low = round(a - width/2): a lies in this interval.
    start, end = low - 0.5 + width / 2, low + 0.5 + width / 2
    sd = mix.age_drift * (0.3 + 0.1 * true)
    normal = _phi((end - true) / sd) - _phi((start - true) / sd)
    wrong = max(0.0, min(end, 17) - max(start, 1)) / 16
    return ((1 - mix.p_wrong_age) * normal + mix.p_wrong_age * wrong) / len(WIDTHS)


_HOMES: dict[str, dict[str, float]] = {}


def _homes(child: Child) -> dict[str, float]:
    """Where the child's family is from, as far as the registry entry tells."""
    found = _HOMES.get(child.entry.case_id)
    if found is None:
        found = _HOMES[child.entry.case_id] = _read_homes(child)
    return found


def _read_homes(child: Child) -> dict[str, float]:
    entry = child.entry
    if entry.home_province:
        return {entry.home_province: 1.0}
    if entry.dialect:
        return {_DIALECT_PROVINCE[entry.dialect]: 1.0}
    lost = entry.missing_place.removesuffix("省")[:2]
    lost = next(
        (p for p in (*PROVINCES, *WORK_PROVINCES) if entry.missing_place.startswith(p)), lost
    )
    weights = {
        home: share * (0.8 * (home == lost) + 0.2 * (lost in WORK_PROVINCES) / len(WORK_PROVINCES))
        for home, share in PROVINCE_P.items()
    }
    total = sum(weights.values())
    return {home: w / total for home, w in weights.items() if w}


def _dialect(said: str | None, child: Child, mix: Mix) -> float:
    if said is None:
        return 1 - mix.p_dialect
    home_share = mix.p_home_dialect
    return sum(
        chance * mix.p_dialect * (home_share * (said == home) + (1 - home_share) * PROVINCE_P[said])
        for home, chance in _homes(child).items()
    )


@cache
def _mark_anyone(mark: MarkConcept, kept: float) -> float:
    side = {"": 0.4 + 0.6 * (1 - kept)}.get(mark.side, 0.3 * kept)
    return KIND_SHARES[mark.kind] / len(parts_for(mark.kind)) * side


def _mark(said: MarkConcept | None, marks: tuple[MarkConcept, ...], mix: Mix) -> float:
    own = mix.p_mark if marks else 0.0
    kept, spurious = mix.p_side_kept, mix.p_spurious
    if said is None:
        return (1 - spurious) * (1 - own)
    fits = sum(
        (m.kind == said.kind and m.part == said.part)
        * ((1.0 if not m.side else 1 - kept) if not said.side else kept * (said.side == m.side))
        for m in marks
    )
    return spurious * _mark_anyone(said, kept) + (1 - spurious) * own * fits / max(len(marks), 1)
