"""Combine per-feature evidence into one calibrated score with its reasons."""

from __future__ import annotations

import math
from datetime import date

from triage.matching.age import age_evidence
from triage.matching.dialect import dialect_evidence
from triage.matching.evidence import Evidence, Feature, Reliability
from triage.matching.marks import marks_evidence
from triage.matching.names import name_evidence
from triage.matching.profiles import Match, RegistryProfile, TipProfile
from triage.matching.rarity import Rarity
from triage.matching.sex import sex_evidence
from triage.matching.timeline import place_evidence, timeline_evidence

# P(agree | same child) and P(agree | another child) per feature. A feature's own
# evidence may replace the second figure (rare names, narrow age ranges, rare marks).
RELIABILITY: dict[Feature, Reliability] = {
    Feature.SEX: Reliability(if_same=0.97, by_chance=0.5),
    Feature.AGE: Reliability(if_same=0.99, by_chance=0.3),
    Feature.NAMES: Reliability(if_same=0.7, by_chance=0.01),
    Feature.DIALECT: Reliability(if_same=0.75, by_chance=0.1),
    Feature.MARKS: Reliability(if_same=0.6, by_chance=0.2),
    Feature.TIMELINE: Reliability(if_same=0.99, by_chance=0.8),
    Feature.PLACE: Reliability(if_same=0.2, by_chance=0.1),
}
# Prior odds that a tip and one plausible candidate are the same child, before evidence;
# fixed so that scores mean the same whatever the size of the registry.
PRIOR_LOG_ODDS = math.log(1 / 300)


def collect_evidence(
    tip: TipProfile, entry: RegistryProfile, *, rarity: Rarity, today: date
) -> list[Evidence]:
    """Every feature's verdict on the pair, known or not."""
    return [
        name_evidence(tip, entry, rarity),
        sex_evidence(tip, entry),
        age_evidence(tip, entry, today=today),
        dialect_evidence(tip, entry),
        marks_evidence(tip, entry),
        timeline_evidence(tip, entry),
        place_evidence(tip, entry),
    ]


def weigh(evidence: Evidence) -> float:
    """Log-likelihood ratio of one verdict; unknowns weigh nothing."""
    if evidence.score is None:
        return 0.0
    return RELIABILITY[evidence.feature].log_likelihood_ratio(evidence.score, evidence.chance)


def calibrate(log_likelihood_ratio: float) -> float:
    """Posterior probability in [0, 1] under the fixed prior odds."""
    log_odds = max(min(PRIOR_LOG_ODDS + log_likelihood_ratio, 50.0), -50.0)
    return 1.0 / (1.0 + math.exp(-log_odds))


def combine(case_id: str, tip_id: str, evidence: list[Evidence]) -> Match:
    """Sum the log-likelihood ratios and explain each known feature, heaviest first."""
    weighed = sorted(
        ((weigh(e), e) for e in evidence if e.score is not None),
        key=lambda pair: abs(pair[0]),
        reverse=True,
    )
    total = sum(weight for weight, _ in weighed)
    reasons = [f"{e.reason} [{weight:+.1f}]" for weight, e in weighed]
    return Match(case_id=case_id, score=calibrate(total), reasons=reasons, tip_id=tip_id)


def score_pair(
    tip: TipProfile,
    entry: RegistryProfile,
    *,
    rarity: Rarity | None = None,
    today: date | None = None,
) -> Match:
    """Full explainable score of one tip against one registry entry."""
    found = collect_evidence(
        tip, entry, rarity=rarity or Rarity.from_priors(), today=today or date.today()
    )
    return combine(entry.case_id, tip.tip_id, found)
