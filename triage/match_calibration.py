"""Learning from verdicts: how well scores predicted coordinators' decisions, and a refit.

Every `decide --confirm/--dismiss` is a labelled pair: the score the matcher gave and whether
the entry was the child. `calibration_report` bins them like the benchmark's reliability
table and refits the calibration curve (two numbers: a slope and an intercept on the
log-odds) from the verdicts, together with the generator's pairs when given (`python -m
bench.matching --fit --save FILE`). The weights stay explainable: the curve is printed, and
applied by changing `CALIBRATION` in triage/matching/calibration.py, reviewed like any code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from storage.registry_reads import decided_match_scores
from triage.matching.calibration import CALIBRATION, fit_calibration, uncalibrated

__all__ = ["Band", "CalibrationReport", "calibration_report", "read_pairs"]

BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


@dataclass(frozen=True)
class Band:
    """Decided matches whose score fell in [low, high): how many, and how many were the child."""

    low: float
    high: float
    decided: int
    confirmed: int


@dataclass(frozen=True)
class CalibrationReport:
    """Verdicts by score band, and the curve refitted from them (and the generator's pairs)."""

    bands: list[Band]
    verdicts: int
    generated: int
    current: tuple[float, float]
    refitted: tuple[float, float] | None  # None: too few pairs of either kind to fit


def read_pairs(text: str) -> list[tuple[float, bool]]:
    """(raw posterior, is the child) pairs, one JSON list a line, as the benchmark saves them."""
    pairs = (json.loads(line) for line in text.splitlines() if line.strip())
    return [(float(raw), bool(true)) for raw, true in pairs]


def calibration_report(
    *, session: Session, generated: Sequence[tuple[float, bool]] = ()
) -> CalibrationReport:
    """Score bands of the verdicts, and a curve fitted on verdicts plus generated pairs."""
    verdicts = decided_match_scores(session=session)
    bands = [
        Band(low, high, len(inside), sum(t for _, t in inside))
        for low, high in BANDS
        if (inside := [(s, t) for s, t in verdicts if low <= s < high])
    ]
    pairs = [(uncalibrated(score), true) for score, true in verdicts] + list(generated)
    trues = sum(t for _, t in pairs)
    refitted = fit_calibration(pairs) if 0 < trues < len(pairs) else None
    return CalibrationReport(bands, len(verdicts), len(generated), CALIBRATION, refitted)
