"""Learning from verdicts: how well scores predicted coordinators' decisions, and a refit.

Every `decide --confirm/--dismiss` is a labelled pair: the score the matcher gave and whether
the entry was the child. `calibration_report` bins them like the benchmark's reliability
table and refits the calibration curve (two numbers: a slope and an intercept on the
log-odds) from the verdicts, together with the generator's pairs when given (`python -m
bench.matching --fit --save FILE`). The weights stay explainable: the curve is printed, and
applied by changing `CALIBRATION` in triage/matching/calibration.py, reviewed like any code.

Confirmed matches also say how names reach tipsters: each name heard (the adults', the
child's own) is linked to the confirmed child's registered names the way the matcher links
them (the same name or its sound, the given name, under another surname, a nickname, or a
new name), and the shares of those ways (`name_channels.ADULTS_SHARES`, `CHILD_SHARES`, set
by hand: how often children are renamed, for one) are refitted from the counts, the
hand-set shares counting as `PRIOR_NAMES` names heard. Applied the same way, by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from storage.registry_reads import confirmed_matches, decided_match_scores
from triage.matching.calibration import CALIBRATION, fit_calibration, uncalibrated
from triage.matching.name_channels import ADULTS_SHARES, CHILD_SHARES, Channel
from triage.matching.name_forms import NameForm, parse_name
from triage.matching.names import ADULTS, CHILD, link_names, registry_names
from triage.matching.reasons import Reason
from triage.matching_jobs import tip_profile
from triage.registry_index import entry_profile

__all__ = ["Band", "CalibrationReport", "NameShares", "calibration_report", "read_pairs"]

PRIOR_NAMES = 20  # the hand-set shares of the ways names come count as this many names heard

BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


@dataclass(frozen=True)
class Band:
    """Decided matches whose score fell in [low, high): how many, and how many were the child."""

    low: float
    high: float
    decided: int
    confirmed: int


@dataclass(frozen=True)
class NameShares:
    """How the names heard on confirmed matches came (`whose`: the adults' or the child's):
    counts by way, the shares in use, and the shares refitted (None: no name heard yet)."""

    whose: str
    counts: dict[str, int]
    current: dict[str, float]
    refitted: dict[str, float] | None


@dataclass(frozen=True)
class CalibrationReport:
    """Verdicts by score band, and the curve refitted from them (and the generator's pairs)."""

    bands: list[Band]
    verdicts: int
    generated: int
    current: tuple[float, float]
    refitted: tuple[float, float] | None  # None: too few pairs of either kind to fit
    names: list[NameShares]


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
    return CalibrationReport(
        bands, len(verdicts), len(generated), CALIBRATION, refitted, name_shares(session)
    )


def name_shares(session: Session) -> list[NameShares]:
    """The ways the names heard on confirmed matches came, and the shares refitted."""
    heard: dict[str, Counter[Channel]] = {"adults": Counter(), "child": Counter()}
    for report, entry in confirmed_matches(session=session):
        tip, registered = tip_profile(report), registry_names(entry_profile(entry))
        for whose, texts, label, shares in (
            ("adults", tip.names, ADULTS, ADULTS_SHARES),
            ("child", tip.given_names, CHILD, CHILD_SHARES),
        ):
            for said in filter(None, map(parse_name, texts)):
                heard[whose][_way(said, registered, label, shares)] += 1
    return [
        _refit("adults", heard["adults"], ADULTS_SHARES),
        _refit("child", heard["child"], CHILD_SHARES),
    ]


def _way(
    said: NameForm, registered: list[NameForm], label: Reason, shares: dict[Channel, float]
) -> Channel:
    """The way a heard name came from the child, as the matcher weighs it: its likeliest
    link to a registered name, else a new name."""
    links = [link for name in registered if (link := link_names(said, name, label))]
    if not links:
        return Channel.NEW
    return max(links, key=lambda link: shares[link.channel] * link.fit).channel


def _refit(whose: str, counts: Counter[Channel], shares: dict[Channel, float]) -> NameShares:
    total = sum(counts.values())
    refitted = {
        way.value: round((counts[way] + PRIOR_NAMES * share) / (total + PRIOR_NAMES), 3)
        for way, share in shares.items()
    }
    return NameShares(
        whose,
        {way.value: counts[way] for way in shares},
        {way.value: share for way, share in shares.items()},
        refitted if total else None,
    )
