"""Candidate narrowing: inverted indexes so only a few hundred entries get full scoring."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from triage.matching.keys import (
    cell_query,
    mark_query,
    name_query,
    other_sex_cells,
    registry_keys,
)
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import Rarity

DEFAULT_BUDGET = 150  # entries fully scored per tip
_NAMED_SHARE = 3  # and the best budget / 3 by names alone, if not among them


class CandidateIndex:
    """Registry entries filed under name, nickname, demographic and mark keys."""

    def __init__(self, entries: Iterable[RegistryProfile] = ()) -> None:
        self._entries: list[RegistryProfile | None] = []
        self._positions: dict[str, int] = {}
        self._postings: defaultdict[str, list[int]] = defaultdict(list)
        self.rarity = Rarity(self.frequency, self.__len__)
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        """Number of live entries."""
        return len(self._positions)

    def __iter__(self) -> Iterator[RegistryProfile]:
        """Live entries in insertion order."""
        return (e for e in self._entries if e is not None)

    def frequency(self, key: str) -> int:
        """How many live entries are filed under a key."""
        postings = self._postings.get(key)
        return len(postings) if postings else 0

    def add(self, entry: RegistryProfile) -> None:
        """File an entry, replacing any earlier version with the same case id."""
        self.remove(entry.case_id)
        self.rarity.forget()
        position = len(self._entries)
        self._entries.append(entry)
        self._positions[entry.case_id] = position
        for key in registry_keys(entry):
            self._postings[key].append(position)

    def remove(self, case_id: str) -> None:
        """Unfile an entry if present."""
        position = self._positions.pop(case_id, None)
        if position is None:
            return
        self.rarity.forget()
        entry = self._entries[position]
        assert entry is not None
        for key in registry_keys(entry):
            postings = self._postings[key]
            postings.remove(position)
            if not postings:
                del self._postings[key]
        self._entries[position] = None

    def get(self, case_id: str) -> RegistryProfile | None:
        """The live entry with this case id, if any."""
        position = self._positions.get(case_id)
        return None if position is None else self._entries[position]

    def idf(self, key: str) -> float:
        """Inverse document frequency: rare keys count more."""
        return math.log((len(self) + 1) / (self.frequency(key) + 1))

    def candidates(
        self, tip: TipProfile, *, today: date, budget: int = DEFAULT_BUDGET
    ) -> list[RegistryProfile]:
        """The entries sharing the most weighted keys with a tip, at most `budget` of them."""
        totals: defaultdict[int, float] = defaultdict(float)
        self._add_names(tip, totals)
        by_name = dict(totals)
        for key, weight in mark_query(tip).items():
            for position in self._postings.get(key, ()):
                totals[position] += weight
        self._add_cells(tip, totals, today=today)
        ranked = heapq.nlargest(budget, totals.items(), key=lambda item: item[1])
        # The best name matches are scored whatever else fits: a rare given name heard must
        # not be crowded out by the many children of the right age and province. Among the
        # many sharing a common name (every 敏 for 敏敏), the rest of the tip picks, not the
        # order they were filed in.
        # A child whose sex the tipster mistook still has the age and place: they pick too.
        mistaken = self._other_sex(tip, by_name, today=today)
        named = heapq.nlargest(
            budget // _NAMED_SHARE,
            by_name,
            key=lambda p: (by_name[p], totals[p] + mistaken.get(p, 0.0)),
        )
        positions = dict.fromkeys([*(p for p, _ in ranked), *named])
        found = (self._entries[position] for position in positions)
        return [entry for entry in found if entry is not None]

    def _add_names(self, tip: TipProfile, totals: defaultdict[int, float]) -> None:
        """Each tip name adds its single best key per entry, weighted by rarity."""
        for probes in name_query(tip):
            best: dict[int, float] = {}
            for probe in probes:
                # A key every entry shares still opens them (毛毛 in a registry of 毛毛s).
                weight = probe.factor * max(self.idf(probe.rarity_key), 0.05)
                for position in self._postings.get(probe.key, ()):
                    if weight > best.get(position, 0.0):
                        best[position] = weight
            for position, weight in best.items():
                totals[position] += weight

    def _other_sex(
        self, tip: TipProfile, named: dict[int, float], *, today: date
    ) -> dict[int, float]:
        """The other sex's cell weight of the entries a name opened (for the named share)."""
        found: dict[int, float] = {}
        for key, weight in other_sex_cells(tip, today=today).items():
            for position in self._postings.get(key, ()):
                if position in named and position not in found:
                    found[position] = weight
        return found

    def _add_cells(self, tip: TipProfile, totals: defaultdict[int, float], *, today: date) -> None:
        """Demographic cells count once per entry, though it may be filed under several provinces."""
        counted: set[int] = set()
        for key, weight in cell_query(tip, today=today).items():
            for position in self._postings.get(key, ()):
                if position not in counted:
                    counted.add(position)
                    totals[position] += weight
