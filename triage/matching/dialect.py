"""Dialect evidence: the child's dialect points at provinces; the family comes from one."""

from __future__ import annotations

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.regions import canonical_province, dialect_provinces, provinces_in

# Roughly how many source provinces a random registry entry could come from.
_PROVINCE_COUNT = 20.0


def tip_provinces(tip: TipProfile) -> tuple[str, ...]:
    """The tip's candidate provinces in canonical short form."""
    found = (canonical_province(p) for p in tip.candidate_provinces)
    return tuple(dict.fromkeys(p for p in found if p is not None))


def home_provinces(entry: RegistryProfile) -> tuple[str, ...]:
    """Every province the registry entry ties the child to: home, dialect, place missing."""
    return tuple(dict.fromkeys([*family_provinces(entry), *provinces_in(entry.missing_place)]))


def family_provinces(entry: RegistryProfile) -> tuple[str, ...]:
    """Provinces of the family's home and dialect, without where the child went missing."""
    home = provinces_in(entry.home_province or "")
    return tuple(dict.fromkeys([*home, *dialect_provinces(entry.dialect or "")]))


def dialect_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """Agreement when a dialect province is the family's; fewer candidates prove more."""
    candidates = tip_provinces(tip)
    family = family_provinces(entry)
    # Families often lose a child where they work, far from home: that place says less.
    home = family or provinces_in(entry.missing_place)
    if not candidates or not home:
        return no_evidence(Feature.DIALECT, "dialect or home province unknown")
    chance = min(len(candidates) / _PROVINCE_COUNT, 0.9)
    shared = [p for p in candidates if p in home]
    if shared and family:
        why = f"dialect points to {shared[0]}, the family's province"
        return Evidence(Feature.DIALECT, 1.0, why, chance)
    if shared:
        return Evidence(Feature.DIALECT, 0.8, f"dialect points to {shared[0]}, where lost", chance)
    said = "/".join(candidates)
    if family:
        return Evidence(
            Feature.DIALECT, 0.0, f"dialect points to {said}, family from {home[0]}", chance
        )
    return Evidence(Feature.DIALECT, 0.4, f"dialect points to {said}, lost in {home[0]}", chance)
