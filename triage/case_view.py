"""One child, several tips: a confirmed same-child group as one case, facts merged.

The group is every tip connected over confirmed same-child links. Its facts are merged fact
by fact, each value with the tips that said it; a fact two tips answer differently (a boy
and a girl, ages that cannot both be right, two dialects) is a conflict for a person to
weigh, never settled here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from handlers.phrases import phrase
from handlers.places import cities_in
from storage import FieldCipher, MatchCandidate, RegistryEntry, Report
from storage.locations import open_point
from storage.review_reads import confirmed_entries, confirmed_group

__all__ = ["Case", "Fact", "load_case", "when_of", "where_seen"]

_UNSURE = (None, "", "not_sure")
AGE_SLACK = 2  # years


@dataclass
class Fact:
    """One merged fact: each different value with the refs of the tips that gave it."""

    name: str
    values: list[tuple[object, list[str]]] = field(default_factory=list)
    conflict: bool = False

    def add(self, value: object, ref: str) -> None:
        """Note that a tip gave this value."""
        for known, refs in self.values:
            if known == value:
                refs.append(ref)
                return
        self.values.append((value, [ref]))


@dataclass
class Case:
    """The tips of a child in the order they were seen, merged facts, confirmed entries."""

    tips: list[Report]
    facts: list[Fact]
    entries: list[tuple[MatchCandidate, RegistryEntry]]


def when_of(report: Report) -> datetime:
    """When the child was seen (else when the tip came in): the case's timeline order."""
    return report.seen_on or report.created_at


def where_seen(report: Report, cipher: FieldCipher) -> tuple[float, float, bool] | None:
    """Where the child was seen: the pin shared (exact, else its ~1 km cell), or the centre of
    the city the tipster named (False: only the city is known); None if not even that."""
    exact = open_point(cipher, report.exact_location)
    if exact is not None:
        return exact[0], exact[1], True
    if report.latitude is not None and report.longitude is not None:
        return report.latitude, report.longitude, True
    for city in cities_in(report.province) if report.province else ():
        if city.name == report.city:
            return city.lat, city.lon, False
    return None


def _age(report: Report) -> object:
    low, high = report.child_age_min, report.child_age_max
    if low is None and high is None:
        return None
    if low is None or high is None or low == high:
        return phrase("review.age.looks_one", age=low if low is not None else high)
    return phrase("review.age.looks", low=low, high=high)


def _ages_conflict(tips: list[Report]) -> bool:
    """No one age fits every tip's range (a tip with one bound counts it as both)."""
    ranges: list[tuple[int, int]] = []
    for r in tips:
        low = r.child_age_min if r.child_age_min is not None else r.child_age_max
        high = r.child_age_max if r.child_age_max is not None else r.child_age_min
        if low is not None and high is not None:
            ranges.append((low, high))
    # Apparent ages are rough: two years apart is one child seen twice (triage.clustering).
    gap = max(low for low, _ in ranges) - min(high for _, high in ranges) if ranges else 0
    return gap > AGE_SLACK


def merge_facts(tips: list[Report]) -> list[Fact]:
    """Each fact of the child across the tips; sex, age and dialect can conflict."""
    facts = {name: Fact(name) for name in ("sex", "age", "names", "dialect", "signs", "looks")}
    for r in tips:
        if r.child_sex not in _UNSURE:
            facts["sex"].add(phrase(f"choice.child_sex.{r.child_sex}"), r.ref)
        if (age := _age(r)) is not None:
            facts["age"].add(age, r.ref)
        for name in [*(r.names_used or []), *(r.names_given or [])]:
            facts["names"].add(name, r.ref)
        if r.dialect not in _UNSURE:
            facts["dialect"].add(phrase(f"choice.dialect.{r.dialect}"), r.ref)
        for sign in r.signs or []:
            facts["signs"].add(phrase(f"choice.signs.{sign}"), r.ref)
        if r.child_description:
            facts["looks"].add(r.child_description, r.ref)
    facts["sex"].conflict = len(facts["sex"].values) > 1
    facts["dialect"].conflict = len(facts["dialect"].values) > 1
    facts["age"].conflict = _ages_conflict(tips)
    return list(facts.values())


def load_case(*, session: Session, report: Report) -> Case:
    """The confirmed group this tip belongs to (a group of one without confirmed links)."""
    tips = sorted(confirmed_group(session=session, report_id=report.id or 0), key=when_of)
    entries = confirmed_entries(session=session, report_ids=[t.id or 0 for t in tips])
    unique = {entry.id: (cand, entry) for cand, entry in entries}
    return Case(tips, merge_facts(tips), list(unique.values()))
