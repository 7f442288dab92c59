"""Dialect evidence: the child's dialect against the family's own dialect and home province.

A dialect names a place only roughly: 白话 is spoken in 广东 and 广西, and a tipster's
"Mandarin with an accent" fits half the country. So agreement proves as little as the
number of provinces the tip's dialect allows, and the registry's own `dialect` column is
compared first, dialect with dialect. The family's province is the registered home (not
the provinces its dialect might point to); where the child went missing counts only when
nothing else is known, and less (families often lose a child where they work).
"""

from __future__ import annotations

from typing import Any

from handlers.dialects import DIALECT_GROUPS
from storage import RegistryKind
from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.reasons import catalogue_word, reason
from triage.matching.regions import canonical_province, dialect_key, dialect_provinces, provinces_in

# Roughly how many source provinces a random registry entry could come from.
_PROVINCE_COUNT = 20.0


def tip_provinces(tip: TipProfile) -> tuple[str, ...]:
    """The tip's candidate provinces in canonical short form."""
    found = (canonical_province(p) for p in tip.candidate_provinces)
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


def dialect_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """The same dialect as registered, or a dialect of the family's province; fewer fit, more said."""
    said = dialect_key(tip.dialect or "")
    registered = dialect_key(entry.dialect or "")
    if said and said == registered:
        chance = min(max(len(dialect_provinces(tip.dialect or "")), 1) / _PROVINCE_COUNT, 0.9)
        return Evidence(
            Feature.DIALECT,
            1.0,
            reason("dialect.as_registered", dialect=_as_said(tip.dialect or "")),
            chance,
        )
    candidates = tip_provinces(tip)
    homes, known_by = family_home(entry)
    if not candidates or not homes:
        return no_evidence(Feature.DIALECT)
    chance = min(len(candidates) / _PROVINCE_COUNT, 0.9)
    spoken = _as_said(tip.dialect) if tip.dialect else "/".join(candidates)
    shared = next((p for p in homes if p in candidates), None)
    province = shared or "/".join(homes)
    facts = {"dialect": spoken, "province": province, "registered": entry.dialect or ""}
    if known_by == "home":
        key = "dialect.fits_home" if shared else "dialect.not_home"
        return Evidence(Feature.DIALECT, 1.0 if shared else 0.0, reason(key, **facts), chance)
    if known_by == "dialect":
        key = "dialect.fits_spoken" if shared else "dialect.not_spoken"
        return Evidence(Feature.DIALECT, 1.0 if shared else 0.0, reason(key, **facts), chance)
    # Where the child went missing may not be home, and 粤语 is two provinces: both say less.
    if known_by == "lost":
        key = "dialect.fits_lost" if shared else "dialect.not_lost"
    else:
        key = "dialect.fits_spoken" if shared else "dialect.not_spoken"
    return Evidence(Feature.DIALECT, 0.7 if shared else 0.4, reason(key, **facts), chance)
