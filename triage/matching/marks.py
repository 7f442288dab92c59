"""Marks evidence: the same kind of mark on the same part of the body, on the same side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

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
_UNSHARED_CHANCE = 0.3  # how often two unrelated descriptions share only a place or a side
# Priors (refit by the benchmark and verdicts): a tipster mentions one of the child's marks
# this often; a mark described is a mistake or another child's this often; this share of
# registered children have a mark listed.
MENTIONED = 0.5
SPURIOUS = 0.1
HAS_MARKS = 0.7
# How well a described mark fits a registered one, by how they agree.
# A quality said otherwise (left for right) is a rare slip; a mark on another part, or another
# kind of mark on the same part (a mole for a scar), is nearly always another mark.
_FIT_SAME, _FIT_NO_PART, _FIT_PLACE_ONLY, _FIT_CONFLICT, _FIT_ELSEWHERE = (
    1.0, 0.5, 0.02, 0.005, 0.003,
)  # fmt: skip
# Sides. A tipster who saw a mark on one side says which this often; a family that knows
# the side lists it this often; a mark on a paired part (an ear, a hand) has a side this often.
SIDE_SAID, SIDE_LISTED, SIDED = 0.7, 0.8, 0.6
# So a mark listed without a side has one all the same this often (the family left it out).
_SIDE_UNLISTED = SIDED * (1 - SIDE_LISTED) / (SIDED * (1 - SIDE_LISTED) + 1 - SIDED)
# A mark described that the entry does not list; the entry's marks not mentioned at all.
_ELSEWHERE = math.log(SPURIOUS / (SPURIOUS + (1 - SPURIOUS) * MENTIONED * HAS_MARKS))
# (Against an entry listing no marks, which is not weighed: the difference is what counts.)
_UNMENTIONED = math.log(1 - MENTIONED)


@dataclass(frozen=True)
class MarkLink:
    """How one described mark agrees with one registered mark."""

    fit: float  # P(described so | it is this registered mark), up to wording
    anyone: float  # chance a random child has a mark described like this
    why: Reason

    def log_likelihood_ratio(self, marks: int) -> float:
        """log P(this description | this child, `marks` marks listed) / P(it | another child)."""
        same = SPURIOUS * self.anyone + (1 - SPURIOUS) * MENTIONED * self.fit / max(marks, 1)
        other = self.anyone * (SPURIOUS + (1 - SPURIOUS) * MENTIONED * HAS_MARKS)
        return math.log(same / other)


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


def _anyone(seen: MarkConcepts) -> float:
    """Chance a random child has a mark like the one described: rarer kinds, more telling."""
    chance = min((kind_share(k) for k in seen.kinds), default=_UNSHARED_CHANCE)
    if seen.parts:
        chance *= _PART_SHARE
    for group in {g for g, _ in seen.qualities}:
        chance *= quality_share(group)
    return chance


def _side_fit(seen: MarkConcepts, registered: MarkConcepts) -> float:
    """P(the side said or not | this mark), kind and part agreeing, against its likeliest wording.

    A contradiction (left for right) is handled apart. 1 for the likeliest: the listed side
    said, or no side said of a mark listed without one.
    """
    said, listed = bool(seen.quality("side")), bool(registered.quality("side"))
    if listed:
        return _FIT_SAME if said else _FIT_SAME * (1 - SIDE_SAID) / SIDE_SAID
    if said:  # a side the family did not list: it had one all the same, and this one
        hidden = _SIDE_UNLISTED * SIDE_SAID
        return _FIT_SAME * hidden / 2 / (1 - hidden)
    return _FIT_SAME


@lru_cache(maxsize=1 << 16)
def link_marks(seen: MarkConcepts, registered: MarkConcepts) -> MarkLink | None:
    """Compare one clause of each description; None when they share nothing."""
    kinds = sorted(seen.kinds & registered.kinds, key=kind_share)
    parts = sorted(seen.parts & registered.parts)
    agreed, conflicts = compare_qualities(seen, registered)
    if not kinds and not parts:
        return None
    anyone = _anyone(seen)
    what = reason(f"mark.kind.{kinds[0] if kinds else 'mark'}")
    part = reason(f"mark.part.{parts[0]}") if parts else reason("mark.part.body")
    side = agreed.get("side")
    where = (
        reason("mark.where.sided", side=reason(f"mark.side.{side}"), part=part) if side else part
    )
    if conflicts:
        conflict = reason(f"mark.quality.{conflicts[0]}")
        why = reason("marks.conflict", what=what, where=where, conflict=conflict)
        return MarkLink(_FIT_CONFLICT, anyone, why)
    if kinds and parts:
        return MarkLink(
            _side_fit(seen, registered), anyone, reason("marks.on", what=what, where=where)
        )
    if kinds:
        # A burn on the shoulder and a burn on the ear are two marks, not one seen twice.
        if seen.parts and registered.parts:
            return MarkLink(_FIT_ELSEWHERE, anyone, reason("marks.kind", what=what))
        fit = _FIT_SAME if not seen.parts else _FIT_NO_PART
        return MarkLink(fit, anyone, reason("marks.kind", what=what))
    # Another kind named on the same part is another mark; a kind unsaid may be this one.
    fit = _FIT_PLACE_ONLY if seen.kinds and registered.kinds else _FIT_NO_PART
    return MarkLink(fit, anyone, reason("marks.place", where=where))


def marks_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """The most telling shared mark (a second one adds to it); a mark unlisted counts against."""
    seen = read_marks(tip.marks_text)
    registered = read_marks(f"{entry.marks}\n{entry.description}")
    if not seen:
        if not registered:
            return no_evidence(Feature.MARKS)
        # The registered marks are often hidden or unnoticed: their absence says little.
        return Evidence(Feature.MARKS, 0.0, reason("marks.unmentioned"), llr=_UNMENTIONED)
    if not registered:
        return Evidence(Feature.MARKS, 0.0, reason("marks.not_listed"), llr=_ELSEWHERE)
    count = len(registered)
    links = sorted(
        ((link.log_likelihood_ratio(count), link, i, j) for i, a in enumerate(seen)
         for j, b in enumerate(registered) if (link := link_marks(a, b)) is not None),
        key=lambda found: found[0],
        reverse=True,
    )  # fmt: skip
    if not links or links[0][0] < _ELSEWHERE:
        return Evidence(Feature.MARKS, 0.0, reason("marks.none"), llr=_ELSEWHERE)
    llr, best, i, j = links[0]
    # The mark seen may be any of the child's that it fits (one listed twice, in two words):
    # its likelihood sums over them.
    fit = sum(found[1].fit for found in links if found[2] == i)
    if fit > best.fit:
        llr = MarkLink(fit, best.anyone, best.why).log_likelihood_ratio(count)
    why = best.why
    second = next((found for found in links[1:] if found[2] != i and found[3] != j), None)
    if second is not None and second[0] > 0 and llr > 0:
        llr += second[0]
        why = reason("marks.two", first=why, second=second[1].why)
    return Evidence(Feature.MARKS, best.fit, why, chance=best.anyone, llr=llr)
