"""Dialect evidence: the child's dialect against the family's own dialect and home province.

A dialect names a place only roughly: 白话 is spoken in 广东 and 广西, and a tipster's
"Mandarin with an accent" fits half the country. So agreement proves as little as the
number of provinces the tip's dialect allows, and the registry's own `dialect` column is
compared first, dialect with dialect. The family's province is the registered home (not
the provinces its dialect might point to); where the child went missing counts only when
nothing else is known, and less (families often lose a child where they work).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from handlers.dialects import DIALECT_GROUPS
from storage import RegistryKind
from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import Rarity
from triage.matching.reasons import Reason, catalogue_word, reason
from triage.matching.regions import canonical_province, dialect_key, dialect_provinces, provinces_in

# The key under which an entry's family province is counted (`keys.registry_keys`).
FAMILY_FROM = "h"
# Roughly how many source provinces a random registry entry could come from.
_PROVINCE_COUNT = 20.0
# A child still speaks the family's dialect, or has picked up another where they were taken.
_KEEPS_DIALECT = 0.75
# How often a child of a neighbouring province is said to speak a dialect named after another.
_NEIGHBOUR_REACH = 0.3
# Where a child went missing is the family's home province this often (else where they work).
_LOST_AT_HOME = 0.7


def tip_provinces(tip: TipProfile) -> tuple[str, ...]:
    """The tip's candidate provinces in canonical short form."""
    return _canonical(tuple(tip.candidate_provinces))


@lru_cache(maxsize=1 << 12)
def _canonical(provinces: tuple[str, ...]) -> tuple[str, ...]:
    found = (canonical_province(p) for p in provinces)
    return tuple(dict.fromkeys(p for p in found if p is not None))


def home_provinces(entry: RegistryProfile) -> tuple[str, ...]:
    """Every province the registry entry ties the child to (for narrowing, not for scoring)."""
    return tuple(
        dict.fromkeys(
            [
                *provinces_in(entry.home_province or ""),
                *dialect_provinces(entry.dialect or ""),
                *provinces_in(entry.missing_place),
            ]
        )
    )


def family_home(entry: RegistryProfile) -> tuple[tuple[str, ...], str]:
    """(the family's province(s), how we know: home, dialect, lost or spoken), if anything says."""
    if (
        entry.kind == RegistryKind.FAMILY_SEEKING_CHILD
    ):  # a searching adult's home is where they live now
        home = canonical_province(entry.home_province or "")
        if home:
            return (home,), "home"
    spoken = dialect_provinces(entry.dialect or "")
    key = dialect_key(entry.dialect or "")
    if len(spoken) == 1 or (key in spoken):  # 四川话 is 四川's, though 川话 reaches 重庆
        return (key if key in spoken else spoken[0],), "dialect"
    lost = provinces_in(entry.missing_place)
    if lost:
        return lost[:1], "lost"
    return spoken, "spoken"  # a dialect of several provinces, e.g. 粤语: 广东 or 广西


def _as_said(dialect: str) -> str | dict[str, Any]:
    """The tip's dialect for a reason: a tapped group in the reader's words, typed text as is."""
    return catalogue_word(f"choice.dialect.{dialect}") if dialect in DIALECT_GROUPS else dialect


def _home_chances(
    entry: RegistryProfile, homes: tuple[str, ...], known_by: str
) -> dict[str, float]:
    """P(the family's province) as the entry tells it; the rest of 1 is "anywhere"."""
    if known_by == "lost":  # families often lose a child where they work, not at home
        return {homes[0]: _LOST_AT_HOME}
    return dict.fromkeys(homes, 1.0 / len(homes))


def dialect_evidence(
    tip: TipProfile, entry: RegistryProfile, rarity: Rarity | None = None
) -> Evidence:
    """The same dialect as registered, or a dialect of the family's province; fewer fit, more said.

    P(the tip's dialect | this child) is "still speaks the home dialect" times the chance the
    family's province is among those the dialect points to, plus a dialect picked up anywhere;
    against another child, it is how many registered families come from those provinces.
    """
    rarity = rarity or Rarity.from_priors()
    said = dialect_key(tip.dialect or "")
    registered = dialect_key(entry.dialect or "")
    candidates = tip_provinces(tip)
    if said and said == registered:
        spoken_in = dialect_provinces(tip.dialect or "") or candidates
        base = _base(_reach(tip, spoken_in), rarity) if spoken_in else 1 / _PROVINCE_COUNT
        why = reason("dialect.as_registered", dialect=_as_said(tip.dialect or ""))
        return _weighed(1.0, base, why)
    kinship = _kinship(tip.dialect or "", entry.dialect or "") if said and registered else None
    if kinship is not None:
        # The family speaks another dialect: the child picked this one up where it was taken,
        # or it is the family's under a neighbour's name (重庆话 for 四川话).
        spoken_in = dialect_provinces(tip.dialect or "") or candidates
        base = _base(_reach(tip, spoken_in), rarity) if spoken_in else 1 / _PROVINCE_COUNT
        why = reason(
            "dialect.other_than_registered",
            dialect=_as_said(tip.dialect or ""),
            registered=entry.dialect or "",
        )
        return _weighed(kinship, base, why)
    homes, known_by = family_home(entry)
    if not candidates or not homes:
        return no_evidence(Feature.DIALECT)
    chances = _home_chances(entry, homes, known_by)
    reach = _reach(tip, candidates)
    base = _base(reach, rarity)
    fits: float = sum(chances.get(p, 0.0) * w for p, w in reach.items())
    fits += (1.0 - sum(chances.values())) * base
    spoken = _as_said(tip.dialect) if tip.dialect else "/".join(candidates)
    shared = next((p for p in homes if p in candidates), None)
    facts = {"dialect": spoken, "province": shared or "/".join(homes),
             "registered": entry.dialect or ""}  # fmt: skip
    fitted = {"home": "home", "dialect": "spoken", "lost": "lost", "spoken": "spoken"}[known_by]
    key = f"dialect.fits_{fitted}" if shared else f"dialect.not_{fitted}"
    return _weighed(fits, base, reason(key, **facts))


def _kinship(said: str, registered: str) -> float | None:
    """How often a child of a family speaking `registered` is said to speak `said`.

    0 for another tongue, `_NEIGHBOUR_REACH` for a neighbour's name of the same (重庆话 for
    四川话); None when the registry's dialect does not decide it (the same, a broad group
    such as 西南官话, or one the table does not place): the family's province does.
    """
    said_in, registered_in = dialect_provinces(said), dialect_provinces(registered)
    one, other = dialect_key(said), dialect_key(registered)
    if not said_in or not registered_in or one == other:
        return None
    if one in registered_in or other in said_in:
        named = one in said_in and other in registered_in  # both named after a province
        return _NEIGHBOUR_REACH if named else None
    return 0.0


def _reach(tip: TipProfile, candidates: tuple[str, ...]) -> dict[str, float]:
    """How likely each candidate province's children speak as the tip says.

    A dialect named after a province is that province's first: 四川话 is heard in 重庆 too,
    but a child from 重庆 is more often said to speak 重庆话.
    """
    named = dialect_key(tip.dialect or "")
    if named not in candidates:
        return dict.fromkeys(candidates, 1.0)
    return {p: 1.0 if p == named else _NEIGHBOUR_REACH for p in candidates}


def _base(reach: dict[str, float], rarity: Rarity) -> float:
    """P(the tip's dialect | a registered family picked at random), by province shares."""
    return rarity.remembered(("dialect base", *reach.items()), lambda: _share_of(reach, rarity))


def _share_of(reach: dict[str, float], rarity: Rarity) -> float:
    # How many registered families come from there, not how many children went missing
    # there: families lose children where they work.
    total = sum(
        rarity.share(f"{FAMILY_FROM}:{p}", 1.0 / _PROVINCE_COUNT) * w for p, w in reach.items()
    )
    return min(max(total, 0.01), 0.95)


def _weighed(fits: float, base: float, why: Reason) -> Evidence:
    """The evidence with its log-likelihood ratio; `fits` is P(home among the dialect's)."""
    same = _KEEPS_DIALECT * fits + (1.0 - _KEEPS_DIALECT) * base
    return Evidence(Feature.DIALECT, fits, why, chance=base, llr=math.log(same / base))
