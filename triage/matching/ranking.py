"""The matcher: narrow the registry with the index, then score and rank the few left."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from triage.matching.calibration import ISOLATED_POPULATION, posteriors
from triage.matching.index import DEFAULT_BUDGET, CandidateIndex
from triage.matching.names import unregistered_name_llr
from triage.matching.profiles import Match, RegistryProfile, TipProfile
from triage.matching.scoring import WeighedPair, weigh_pair

logger = logging.getLogger(__name__)


def _best(
    pairs: list[WeighedPair], population: int, limit: int, unregistered_llr: float = 0.0
) -> list[Match]:
    """Highest posterior first, ties broken by id; only the shown few get their reasons."""
    scores = posteriors(
        [p.log_likelihood_ratio for p in pairs],
        population=population,
        unregistered_llr=unregistered_llr,
    )
    ranked = sorted(
        zip(scores, pairs, strict=True), key=lambda s: (-s[0], s[1].case_id, s[1].tip_id)
    )
    return [pair.to_match(score) for score, pair in ranked[:limit]]


class Matcher:
    """Ranks registry entries for a tip, and tips for a new registry entry."""

    def __init__(
        self,
        entries: Iterable[RegistryProfile] = (),
        *,
        budget: int = DEFAULT_BUDGET,
        today: date | None = None,
    ) -> None:
        self._index = CandidateIndex(entries)
        self._budget = budget
        self._today = today  # None: the real date, used when a tip has no sighting date
        self.last_scored = 0  # entries fully scored by the last rank() call
        self.total_scored = 0

    def __len__(self) -> int:
        """Number of registry entries."""
        return len(self._index)

    def add(self, entry: RegistryProfile) -> None:
        """Add or replace a registry entry."""
        self._index.add(entry)

    def remove(self, case_id: str) -> None:
        """Drop a registry entry, e.g. once the child is found."""
        self._index.remove(case_id)

    def rank(self, tip: TipProfile, *, limit: int = 5, today: date | None = None) -> list[Match]:
        """Best registry matches for a tip, most likely first."""
        today = today or self._today or date.today()
        candidates = self._index.candidates(tip, today=today, budget=self._budget)
        self.last_scored = len(candidates)
        self.total_scored += len(candidates)
        logger.debug("matching.ranked tip=%s scored=%d", tip.tip_id, len(candidates))
        rarity = self._index.rarity
        weighed = [weigh_pair(tip, e, rarity=rarity, today=today) for e in candidates]
        population = max(len(self._index), ISOLATED_POPULATION)
        return _best(weighed, population, limit, unregistered_name_llr(tip, rarity))

    def rank_tips(
        self, entry: RegistryProfile, tips: Iterable[TipProfile], *, limit: int = 5
    ) -> list[Match]:
        """Best open tips for a new registry entry; every tip is scored, rarity from the registry."""
        today = self._today or date.today()
        rarity = self._index.rarity
        weighed = [weigh_pair(t, entry, rarity=rarity, today=today) for t in tips]
        # As if each tip were one among many: a new entry rarely has its sighting waiting.
        return _best(weighed, max(len(weighed), ISOLATED_POPULATION), limit)

    def weigh(self, tip: TipProfile, entry: RegistryProfile, *, today: date | None = None) -> float:
        """One pair's log-likelihood ratio, with this registry's name rarity."""
        when = today or self._today or date.today()
        return weigh_pair(tip, entry, rarity=self._index.rarity, today=when).log_likelihood_ratio
