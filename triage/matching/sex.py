"""Sex evidence: agreement is weak, a mismatch is strong."""

from __future__ import annotations

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile


def sex_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """Agreement when both sides know the sex; unknown on either side is no evidence."""
    if tip.sex is None or entry.sex is None:
        return no_evidence(Feature.SEX, "sex unknown")
    if tip.sex == entry.sex:
        return Evidence(Feature.SEX, 1.0, f"sex {tip.sex} = {entry.sex}")
    return Evidence(Feature.SEX, 0.0, f"sex {tip.sex} ≠ {entry.sex}")
