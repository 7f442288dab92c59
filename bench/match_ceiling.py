"""P(tip | child) under the benchmark's model: the Bayes-optimal ranking, and so the ceiling."""

from __future__ import annotations

import math
from functools import cache

from bench.match_mixes import Mix
from bench.match_model import (
    BOY_P,
    GIRL_P,
    PROVINCE_P,
    SURNAME_P,
    WIDTHS,
    Child,
    Seen,
    age_on,
    derived_nicknames,
    homophones,
    parts_for,
    pinyin_of,
)
from bench.match_vocab import KIND_SHARES, PROVINCES, WORK_PROVINCES, MarkConcept

_DIALECT_PROVINCE = {label: p for p, (_, label, _) in PROVINCES.items()}


def likelihood(seen: Seen, child: Child) -> float:
    """P(this sighting | it is this child), up to factors the same for every child."""
    mix = seen.mix
    rest = (
        _sex(seen.sex, child.sex, mix)
        * _dialect(seen.dialect_province, child, mix)
        * _mark(seen.mark, child.marks, mix)
        * _names(seen.names, seen.given_names, child, mix)
    )
    return rest * _age(seen, child) if rest else 0.0


def _sex(said: str | None, sex: str, mix: Mix) -> float:
    if said is None:
        return 1 - mix.p_sex
    return mix.p_sex * (mix.p_sex_right if said == sex else 1 - mix.p_sex_right)


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _age(seen: Seen, child: Child) -> float:
    entry = child.entry
    assert entry.birth_date is not None
    low, high = seen.age
    width = high - low
    if width not in WIDTHS:
        return 0.0
    # The apparent age `a` gave low = round(a - width/2): a lies in this interval.
    start, end = low - 0.5 + width / 2, low + 0.5 + width / 2
    if entry.birth_year_only:  # the registry shows the year alone: average over it
        year = entry.birth_date.year
        ages = [
            age_on(entry.birth_date.replace(year=year, month=m, day=15), seen.seen_on)
            for m in (2, 5, 8, 11)
        ]
    else:
        ages = [age_on(entry.birth_date, seen.seen_on)]
    total = 0.0
    for true in ages:
        sd = seen.mix.age_drift * (0.3 + 0.1 * true)
        normal = _phi((end - true) / sd) - _phi((start - true) / sd)
        wrong = max(0.0, min(end, 17) - max(start, 1)) / 16
        total += (1 - seen.mix.p_wrong_age) * normal + seen.mix.p_wrong_age * wrong
    return total / len(ages) / len(WIDTHS)


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


def _split(name: str) -> list[tuple[str, str]]:
    return [(name[:n], name[n:]) for n in (1, 2) if name[:n] in SURNAME_P and len(name) > n]


def _new_name(name: str, sex: str) -> float:
    pool = BOY_P if sex == "M" else GIRL_P
    return sum(SURNAME_P[s] * pool.get(g, 0.0) for s, g in _split(name) if len(g) == 1)


def _homophone(said: str, child: Child) -> float:
    name, sounds = child.entry.name, homophones()
    spots = [i for i in range(len(child.surname), len(name)) if name[i] in sounds]
    if not spots:
        return float(said == pinyin_of(name))
    if len(said) != len(name):
        return 0.0
    differ = [i for i in range(len(name)) if said[i] != name[i]]
    if len(differ) != 1 or differ[0] not in spots or said[differ[0]] not in sounds[name[differ[0]]]:
        return 0.0
    return 1 / len(spots) / len(sounds[name[differ[0]]])


def _names(names: tuple[str, ...], given: tuple[str, ...], child: Child, mix: Mix) -> float:
    share = mix.names
    if given:
        own = 0.5 * (given[0] == child.entry.name) + 0.5 * _homophone(given[0], child)
        return share["child_and_new"] * own * _new_name(names[0], child.sex)
    if not names:
        return share["no_names"]
    said, name = names[0], child.entry.name
    others = [s for s in SURNAME_P if s != child.surname]
    changed = 0.0
    if said.endswith(child.given) and said[: -len(child.given)] in others:
        changed = SURNAME_P[said[: -len(child.given)]] / (1 - SURNAME_P[child.surname])
    derived = derived_nicknames(child.given).count(said) / 3
    nick = derived
    if child.nicknames:
        registered = child.nicknames.count(said) / len(child.nicknames)
        kept = mix.p_registered_nickname
        nick = kept * registered + (1 - kept) * derived
    return (
        share["exact"] * (said == name)
        + share["homophone"] * _homophone(said, child)
        + share["pinyin"] * (said == pinyin_of(name))
        + share["given_only"] * (said == child.given)
        + share["nickname"] * nick
        + share["surname_changed"] * changed
        + share["new_name_only"] * _new_name(said, child.sex)
    )
