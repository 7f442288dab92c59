"""Turn log-likelihood ratios into the probability that an entry is the child.

Two steps. `posteriors` is Bayes' rule over the registry: every scored entry's likelihood
ratio against all the others and against "the child is not registered". The features are
not truly independent and their weights are estimates, so the result is then recalibrated
(`calibrated`) by a logistic curve on its log-odds, fitted on labelled pairs: the benchmark's
generator (`python -m bench.matching --fit`) and coordinators' verdicts (`homeward match
calibrate`). After it, a score of 0.5 means "more likely than not", as the reliability
table of `python -m bench.matching` shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

# Chance that a sighted child is in the registry at all; the rest is "none of them".
REGISTERED_SHARE = 0.5
# A pair scored on its own is treated as one entry among this many unremarkable ones.
ISOLATED_POPULATION = 150
# (slope, intercept) on the log-odds, as fitted by `python -m bench.matching --fit`.
CALIBRATION = (0.988, 1.154)
_EDGE = 1e-6
_MOST = 0.999


def posteriors(
    log_likelihood_ratios: Sequence[float], *, population: int, unregistered_llr: float = 0.0
) -> list[float]:
    """P(each scored entry is the child | evidence), all entries equally likely beforehand.

    Entries not scored count with likelihood ratio 1 (the average for strangers), and
    "the child is not registered" keeps its share times the tip's likelihood ratio for a
    child outside the registry (`unregistered_llr`: a name only the registry holds makes
    it lower), so ties split the probability and a sighting of an unregistered child stays
    low however large the registry grows.
    """
    if not log_likelihood_ratios:
        return []
    population = max(population, len(log_likelihood_ratios))
    shift = max(0.0, *log_likelihood_ratios)
    unscored = population - len(log_likelihood_ratios)
    unregistered = population * (1.0 - REGISTERED_SHARE) / REGISTERED_SHARE
    weights = [math.exp(llr - shift) for llr in log_likelihood_ratios]
    total = sum(weights) + unscored * math.exp(-shift)
    total += unregistered * math.exp(unregistered_llr - shift)
    return [calibrated(weight / total) for weight in weights]


def log_odds(p: float) -> float:
    """log(p / (1 - p)), kept finite at 0 and 1."""
    p = min(max(p, _EDGE), 1 - _EDGE)
    return math.log(p / (1 - p))


def calibrated(raw: float, curve: tuple[float, float] = CALIBRATION) -> float:
    """A Bayes posterior recalibrated by the fitted logistic curve on its log-odds."""
    slope, intercept = curve
    # Never certain: a coordinator still checks, and 1.0 would read as proof.
    return min(1.0 / (1.0 + math.exp(-(slope * log_odds(raw) + intercept))), _MOST)


def uncalibrated(score: float, curve: tuple[float, float] = CALIBRATION) -> float:
    """The raw posterior behind a calibrated score (to refit from stored scores)."""
    slope, intercept = curve
    return 1.0 / (1.0 + math.exp(-(log_odds(score) - intercept) / slope))


def fit_calibration(pairs: Iterable[tuple[float, bool]], rounds: int = 50) -> tuple[float, float]:
    """Logistic regression of "is the child" on a raw posterior's log-odds (Newton's method)."""
    data = [(log_odds(raw), 1.0 if true else 0.0) for raw, true in pairs]
    slope, intercept = 1.0, 0.0
    for _ in range(rounds):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for x, y in data:
            p = 1.0 / (1.0 + math.exp(-(slope * x + intercept)))
            w = max(p * (1 - p), 1e-9)
            g0, g1 = g0 + (y - p) * x, g1 + (y - p)
            h00, h01, h11 = h00 + w * x * x, h01 + w * x, h11 + w
        det = h00 * h11 - h01 * h01
        if abs(det) < 1e-12:
            break
        step_s, step_i = (h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det
        slope, intercept = slope + step_s, intercept + step_i
        if abs(step_s) + abs(step_i) < 1e-9:
            break
    return round(slope, 3), round(intercept, 3)
