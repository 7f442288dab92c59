"""Combine per-feature evidence into one log-likelihood ratio with its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from triage.matching.age import age_evidence
from triage.matching.calibration import ISOLATED_POPULATION, posteriors
from triage.matching.dialect import dialect_evidence
from triage.matching.evidence import Evidence, Feature, Reliability
from triage.matching.marks import marks_evidence
from triage.matching.names import name_evidence
from triage.matching.profiles import Match, RegistryProfile, TipProfile
from triage.matching.rarity import Rarity
from triage.matching.sex import sex_evidence
from triage.matching.timeline import timeline_evidence

# P(agree | same child) and P(agree | another child), for the features that give only a
# verdict (sex, timeline). Names, age, dialect and marks model their own likelihoods: how
# a tip's words arise from the child, against any child of the registry (`Evidence.llr`).
RELIABILITY: dict[Feature, Reliability] = {
    Feature.SEX: Reliability(if_same=0.97, by_chance=0.5),
    Feature.AGE: Reliability(if_same=0.88, by_chance=0.3),  # age_evidence sets its own
    Feature.NAMES: Reliability(if_same=0.7, by_chance=0.01),
    Feature.DIALECT: Reliability(if_same=0.75, by_chance=0.1),
    Feature.MARKS: Reliability(if_same=0.75, by_chance=0.2),
    Feature.TIMELINE: Reliability(if_same=0.99, by_chance=0.8),
}


def collect_evidence(
    tip: TipProfile, entry: RegistryProfile, *, rarity: Rarity, today: date
) -> list[Evidence]:
    """Every feature's verdict on the pair, known or not."""
    return [
        name_evidence(tip, entry, rarity),
        sex_evidence(tip, entry),
        age_evidence(tip, entry, today=today, rarity=rarity),
        dialect_evidence(tip, entry, rarity),
        marks_evidence(tip, entry),
        timeline_evidence(tip, entry),
    ]


def weigh(evidence: Evidence) -> float:
    """Log-likelihood ratio of one verdict; unknowns weigh nothing."""
    if evidence.score is None:
        return 0.0
    if evidence.llr is not None:
        return evidence.llr
    return RELIABILITY[evidence.feature].log_likelihood_ratio(evidence.score, evidence.chance)


@dataclass(frozen=True)
class WeighedPair:
    """A tip/entry pair's verdicts and their total log-likelihood ratio."""

    case_id: str
    tip_id: str
    log_likelihood_ratio: float
    weighed: list[tuple[float, Evidence]]  # known verdicts with their weights

    def reasons(self) -> list[dict[str, Any]]:
        """Each known feature's reason (catalogue key, parameters) with its weight, heaviest first."""
        ordered = sorted(self.weighed, key=lambda pair: abs(pair[0]), reverse=True)
        return [{**e.why.as_json(), "weight": round(weight, 1)} for weight, e in ordered]

    def to_match(self, score: float) -> Match:
        """The explainable result shown to coordinators."""
        return Match(self.case_id, score, self.reasons(), self.tip_id, self.log_likelihood_ratio)


def weigh_pair(
    tip: TipProfile, entry: RegistryProfile, *, rarity: Rarity, today: date
) -> WeighedPair:
    """Every feature's verdict on one pair, weighed and summed."""
    evidence = collect_evidence(tip, entry, rarity=rarity, today=today)
    weighed = [(weigh(e), e) for e in evidence if e.score is not None]
    total = sum(weight for weight, _ in weighed)
    return WeighedPair(entry.case_id, tip.tip_id, total, weighed)


def score_pair(
    tip: TipProfile,
    entry: RegistryProfile,
    *,
    rarity: Rarity | None = None,
    today: date | None = None,
) -> Match:
    """One tip against one entry alone, scored as if among a small registry of strangers."""
    pair = weigh_pair(
        tip, entry, rarity=rarity or Rarity.from_priors(), today=today or date.today()
    )
    [score] = posteriors([pair.log_likelihood_ratio], population=ISOLATED_POPULATION)
    return pair.to_match(score)
