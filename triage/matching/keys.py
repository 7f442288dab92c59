"""Blocking keys: what a registry entry is filed under, and which files a tip opens."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from triage.matching.age import age_log_likelihood_ratio, age_tolerance, apparent_range
from triage.matching.dialect import FAMILY_FROM, family_home, home_provinces, tip_provinces
from triage.matching.mark_terms import MarkConcepts, kind_share, read_marks
from triage.matching.name_forms import NameForm, parse_name
from triage.matching.names import registry_names
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import NameKey, name_key

SYLLABLE = "syl"  # one syllable of a given name: the door to fuzzy matches
# How much a shared name key counts, relative to its rarity (IDF), when pre-ranking.
NAME_KEY_FACTORS: dict[str, float] = {
    NameKey.CHARS.value: 1.0, NameKey.FULL.value: 1.0, NameKey.GIVEN.value: 0.8,
    NameKey.NICK.value: 0.7, SYLLABLE: 0.3,
}  # fmt: skip
# Fixed pre-ranking weights, roughly the log-likelihood ratios of agreeing on them.
YEAR_CELL_WEIGHT = 1.5  # same sex and birth year, plus how well the age fits that year
PROVINCE_WEIGHT = 2.0  # same province
# The other sex than the tip says: tipsters mistake a child's sex (short hair, a boy's clothes)
# seldom, but the name heard may still be the child's (`other_sex_cells`).
OTHER_SEX_COST = 2.5
_MARK_IF_SAME = 0.6
_UNKNOWN = "?"


def registry_keys(entry: RegistryProfile) -> set[str]:
    """Every key a registry entry is filed under."""
    names = registry_names(entry)
    keys = set(_name_keys(names))
    # Surnames are counted (how common a new surname is), never looked up by a tip.
    keys.update(name_key(NameKey.SURNAME, " ".join(f.surname)) for f in names if f.surname)
    sex = entry.sex or _UNKNOWN
    if entry.sex and names:
        keys.update(sex_keys(names[0], entry.sex))
    year = str(entry.birth_date.year) if entry.birth_date else _UNKNOWN
    keys.add(f"y:{sex}:{year}")
    for province in home_provinces(entry):
        keys.update((f"d:{sex}:{year}:{province}", f"p:{province}"))
    # Counted, never looked up: how many registered families come from a province (a child
    # lost in 广东 where the parents worked is not a family from 广东).
    keys.update(f"{FAMILY_FROM}:{province}" for province in family_home(entry)[0])
    keys.update(key for key, _ in _mark_keys(read_marks(entry.marks), query=False))
    return keys


def sex_keys(form: NameForm, sex: str) -> Iterator[str]:
    """The registered name's given name and its last syllable, by the child's sex, in
    characters and in pinyin (平 is a boy's, 萍 a girl's: both ping)."""
    given = form.given_key if form.surname else form.full_key
    if form.nickname is not None or not given:
        return
    yield name_key(NameKey.SEX, sex)
    yield name_key(NameKey.GIVEN_BY_SEX, f"{sex}:{given}")
    yield name_key(NameKey.TAIL_BY_SEX, f"{sex}:{form.given[-1]}")
    if form.given_chars:
        yield name_key(NameKey.GIVEN_BY_SEX, f"{sex}:{form.given_chars}")
        yield name_key(NameKey.TAIL_BY_SEX, f"{sex}:{form.given_chars[-1]}")


@dataclass(frozen=True)
class NameProbe:
    """One key a tip name opens; it weighs `factor` times the rarity (IDF) of `rarity_key`."""

    key: str
    factor: float
    rarity_key: str


def name_query(tip: TipProfile) -> list[list[NameProbe]]:
    """Per tip name, the keys it opens; an entry counts only its best key per tip name."""
    forms = [f for f in map(parse_name, [*tip.given_names, *tip.names]) if f is not None]
    return [list(_probes(form)) for form in forms]


def _probes(form: NameForm) -> Iterator[NameProbe]:
    """A nickname is only as rare as its syllable: any child named ...伟 may be called 伟伟."""
    tail = name_key(NameKey.NICK, form.nickname or form.given[-1])
    for key in _name_keys([form]):
        factor = NAME_KEY_FACTORS[key.split(":", 1)[0]]
        yield NameProbe(key, factor, tail if form.nickname else key)
    if len(form.surname) == 1 and len(form.given) == 1 and form.nickname is None:
        # 宁子 may be 宁 + 子 or the given name of 董宁子: both readings open their doors.
        key = name_key(NameKey.GIVEN, form.full_key)
        yield NameProbe(key, NAME_KEY_FACTORS[NameKey.GIVEN.value], key)


def cell_query(tip: TipProfile, *, today: date) -> dict[str, float]:
    """Sex, birth-year and province cells a tip looks up, best first; an entry counts one at most.

    A birth year weighs as much as the apparent age fits it, so among the many children of a
    cell the likeliest ages come first (a tip without names has nothing else to narrow by).
    """
    sexes = [tip.sex, _UNKNOWN] if tip.sex else ["M", "F", _UNKNOWN]
    return _cells(tip, dict.fromkeys(sexes, 0.0), today=today)


def other_sex_cells(tip: TipProfile, *, today: date) -> dict[str, float]:
    """The cells of the sex the tip did not say, `OTHER_SEX_COST` lower (where that leaves any)."""
    if not tip.sex:
        return {}
    return _cells(tip, {"F" if tip.sex == "M" else "M": OTHER_SEX_COST}, today=today)


def _cells(tip: TipProfile, cost: dict[str, float], *, today: date) -> dict[str, float]:
    """Sex, birth-year and province cells, each sex's weight lowered by its cost."""
    provinces = tip_provinces(tip)
    years: dict[int | str, float] = dict(year_weights(tip, today=today))
    if years:
        years[_UNKNOWN] = 0.0  # entries without a birth date stay reachable
    if years and provinces:
        cells = {
            f"d:{s}:{y}:{p}": PROVINCE_WEIGHT + weight - cost[s]
            for s in cost for y, weight in years.items() for p in provinces
            if PROVINCE_WEIGHT + weight > cost[s]
        }  # fmt: skip
    elif years:
        cells = {
            f"y:{s}:{y}": weight - cost[s]
            for s in cost for y, weight in years.items() if weight > cost[s]
        }  # fmt: skip
    elif _UNKNOWN in cost:  # the province alone, once (not again for the other sex)
        cells = dict.fromkeys((f"p:{p}" for p in provinces), PROVINCE_WEIGHT)
    else:
        cells = {}
    return dict(sorted(cells.items(), key=lambda cell: -cell[1]))


def year_weights(tip: TipProfile, *, today: date) -> Iterator[tuple[int, float]]:
    """Birth years that fit the apparent age, each with a weight for how well (at least a little)."""
    seen = apparent_range(tip)
    if seen is None:
        return
    on = tip.seen_on or today
    for year in birth_years(tip, today=today):
        age = (on - date(year, 7, 1)).days / 365.25
        yield year, max(YEAR_CELL_WEIGHT + age_log_likelihood_ratio(seen, age, year_only=True), 0.1)


def mark_query(tip: TipProfile) -> dict[str, float]:
    """Mark keys a tip looks up, weighted by how rare the mark is."""
    return dict(_mark_keys(read_marks(tip.marks_text), query=True))


def birth_years(tip: TipProfile, *, today: date) -> list[int]:
    """Birth years that fit the apparent age, widened by the age tolerance."""
    seen = apparent_range(tip)
    if seen is None:
        return []
    on = tip.seen_on or today
    slack = age_tolerance(seen[1], year_only=True)
    first = math.floor(on.year - seen[1] - 1 - slack)
    last = math.ceil(on.year - seen[0] + slack)
    return list(range(first, last + 1))


def _name_keys(forms: list[NameForm]) -> Iterator[str]:
    """Chars, pinyin, given-name, nickname and syllable keys of parsed names."""
    for form in forms:
        if form.chars:
            yield name_key(NameKey.CHARS, form.chars)
        yield name_key(NameKey.FULL, form.full_key)
        if form.surname:
            yield name_key(NameKey.GIVEN, form.given_key)
        elif form.nickname is None:
            yield name_key(NameKey.GIVEN, form.full_key)  # a bare given name
        yield name_key(NameKey.NICK, form.nickname or form.given[-1])
        if form.nickname is None:
            yield from (f"{SYLLABLE}:{s}" for s in form.given)


def _mark_keys(clauses: tuple[MarkConcepts, ...], *, query: bool) -> Iterator[tuple[str, float]]:
    """Kind-on-part keys, plus the bare kind when it is rare or asked for."""
    for clause in clauses:
        for kind in clause.kinds:
            share = kind_share(kind)
            for part in clause.parts:
                yield f"m:{kind}:{part}", math.log(_MARK_IF_SAME * 6 / share)
            if query or share <= 0.05 or not clause.parts:
                yield f"m:{kind}", math.log(_MARK_IF_SAME / share)
