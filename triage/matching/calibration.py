"""Turn log-likelihood ratios into the probability that an entry is the child."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Chance that a sighted child is in the registry at all; the rest is "none of them".
REGISTERED_SHARE = 0.5
# A pair scored on its own is treated as one entry among this many unremarkable ones.
ISOLATED_POPULATION = 150


def posteriors(log_likelihood_ratios: Sequence[float], *, population: int) -> list[float]:
    """P(each scored entry is the child | evidence), all entries equally likely beforehand.

    Entries not scored count with likelihood ratio 1 (the average for strangers), and
    "the child is not registered" keeps its share, so ties split the probability and a
    sighting of an unregistered child stays low however large the registry grows.
    """
    if not log_likelihood_ratios:
        return []
    population = max(population, len(log_likelihood_ratios))
    shift = max(0.0, *log_likelihood_ratios)
    unscored = population - len(log_likelihood_ratios)
    unregistered = population * (1.0 - REGISTERED_SHARE) / REGISTERED_SHARE
    weights = [math.exp(llr - shift) for llr in log_likelihood_ratios]
    total = sum(weights) + (unscored + unregistered) * math.exp(-shift)
    return [weight / total for weight in weights]
