"""One feature's verdict on a tip/registry pair, and how much such a verdict weighs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from triage.matching.reasons import Reason, reason


class Feature(StrEnum):
    """The facts a volunteer would compare by hand."""

    SEX = "sex"
    AGE = "age"
    NAMES = "names"
    DIALECT = "dialect"
    MARKS = "marks"
    TIMELINE = "timeline"
    PLACE = "place"


@dataclass(frozen=True)
class Evidence:
    """A score in [0, 1] (None = unknown, no evidence) with the reason, in catalogue terms."""

    feature: Feature
    score: float | None
    why: Reason
    # How often an unrelated entry would agree this well; names set it from rarity.
    chance: float | None = None
    # A feature that models its own likelihoods gives the log-likelihood ratio directly.
    llr: float | None = None

    @property
    def reason(self) -> str:
        """The reason in English (logs and tests; coordinators read their own language)."""
        return self.why.text("en")


def no_evidence(feature: Feature) -> Evidence:
    """An unknown on either side: it must neither help nor hurt (and is not shown)."""
    return Evidence(feature, None, reason("unknown"))


@dataclass(frozen=True)
class Reliability:
    """How often a feature agrees for the same child, and by chance for another child."""

    if_same: float
    by_chance: float

    def log_likelihood_ratio(self, score: float, chance: float | None = None) -> float:
        """Interpolate between the disagree and agree log-likelihood ratios by score."""
        other = chance if chance is not None else self.by_chance
        disagree, agree = _bounds(self.if_same, other)
        return disagree + (agree - disagree) * min(max(score, 0.0), 1.0)


@lru_cache(maxsize=1 << 12)
def _bounds(if_same: float, by_chance: float) -> tuple[float, float]:
    """Log-likelihood ratios of a full disagreement and a full agreement."""
    other = min(max(by_chance, 1e-6), 0.99)
    same = min(max(if_same, other), 0.999)
    return math.log((1.0 - same) / (1.0 - other)), math.log(same / other)
