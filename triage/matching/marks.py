"""Marks evidence: the same kind of mark on the same part of the body, on the same side."""

from __future__ import annotations

import math
from dataclasses import dataclass

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.mark_terms import (
    QUALITIES,
    MarkConcepts,
    kind_share,
    quality_share,
    read_marks,
)
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.reasons import Reason, reason

_PART_SHARE = 1 / 6  # a mark of a given kind sits on one of about six common places
_SIDE_SHARE = 1 / 2
_UNSHARED_CHANCE = 0.3  # how often two unrelated descriptions share only a place or a side


@dataclass(frozen=True)
class MarkLink:
    """How one described mark agrees with one registered mark."""

    score: float
    chance: float
    why: Reason

    @property
    def information(self) -> float:
        """Score weighted by surprise: a shared 六指 beats a shared mole."""
        return self.score * -math.log(self.chance)


def compare_qualities(
    seen: MarkConcepts, registered: MarkConcepts
) -> tuple[dict[str, str], list[str]]:
    """(qualities both name alike, quality groups where they contradict), e.g. left vs right."""
    agreed: dict[str, str] = {}
    conflicts: list[str] = []
    if not (seen.qualities and registered.qualities):
        return agreed, conflicts
    for group in QUALITIES:
        mine, theirs = seen.quality(group), registered.quality(group)
        if mine and theirs:
            shared = sorted(mine & theirs)
            if shared:
                agreed[group] = shared[0]
            else:
                conflicts.append(group)
    return agreed, conflicts


def link_marks(seen: MarkConcepts, registered: MarkConcepts) -> MarkLink | None:
    """Compare one clause of each description; None when they share nothing."""
    kinds = sorted(seen.kinds & registered.kinds, key=kind_share)
    parts = sorted(seen.parts & registered.parts)
    agreed, conflicts = compare_qualities(seen, registered)
    if not kinds and not parts:
        return None
    what = reason(f"mark.kind.{kinds[0] if kinds else 'mark'}")
    part = reason(f"mark.part.{parts[0]}") if parts else reason("mark.part.body")
    side = agreed.get("side")
    where = (
        reason("mark.where.sided", side=reason(f"mark.side.{side}"), part=part) if side else part
    )
    if conflicts:
        why = reason(
            "marks.conflict",
            what=what,
            where=where,
            conflict=reason(f"mark.quality.{conflicts[0]}"),
        )
        return MarkLink(0.1, _UNSHARED_CHANCE, why)
    chance = kind_share(kinds[0]) if kinds else _UNSHARED_CHANCE
    for group in agreed:
        chance *= quality_share(group)
    if kinds and parts:
        score = 1.0 if agreed else 0.85
        return MarkLink(score, chance * _PART_SHARE, reason("marks.on", what=what, where=where))
    if kinds:
        places_differ = bool(seen.parts and registered.parts)
        # A burn on the shoulder and a burn on the ear are two marks, not one seen twice.
        return MarkLink(0.1 if places_differ else 0.6, chance, reason("marks.kind", what=what))
    return MarkLink(0.3, _UNSHARED_CHANCE, reason("marks.place", where=where))


def marks_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """The most telling shared mark; a second independent one makes it rarer still."""
    seen = read_marks(tip.marks_text)
    registered = read_marks(f"{entry.marks}\n{entry.description}")
    if not seen or not registered:
        return no_evidence(Feature.MARKS)
    links = sorted(
        ((link, i, j) for i, a in enumerate(seen) for j, b in enumerate(registered)
         if (link := link_marks(a, b)) is not None),
        key=lambda found: found[0].information,
        reverse=True,
    )  # fmt: skip
    if not links:
        return Evidence(Feature.MARKS, 0.0, reason("marks.none"), _UNSHARED_CHANCE)
    best, i, j = links[0]
    # The same marks, however worded, are full agreement: identical words never count against.
    same = set(seen) == set(registered)
    chance, why = best.chance, best.why
    second = next(
        (link for link, a, b in links[1:] if a != i and b != j and link.score >= 0.6), None
    )
    if second is not None and best.score >= 0.6:
        chance *= second.chance
        why = reason("marks.two", first=why, second=second.why)
    score = 1.0 if same else best.score
    return Evidence(Feature.MARKS, score, why, chance=max(chance, 1e-4))
