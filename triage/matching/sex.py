"""Sex evidence: agreement is weak, a mismatch is strong."""

from __future__ import annotations

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.reasons import reason


def sex_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """Agreement when both sides know the sex; unknown on either side is no evidence."""
    if tip.sex is None or entry.sex is None:
        return no_evidence(Feature.SEX)
    if tip.sex == entry.sex:
        return Evidence(Feature.SEX, 1.0, reason("sex.same", sex=reason(f"sex.{tip.sex}")))
    seen, registered = reason(f"sex.{tip.sex}"), reason(f"sex.{entry.sex}")
    return Evidence(Feature.SEX, 0.0, reason("sex.differs", tip=seen, entry=registered))
