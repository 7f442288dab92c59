"""A proposed match laid out for review: the tip and the registry entry, field against field.

Each row holds what the tip says and what the entry says, as phrases (read in any language)
or the words people typed, and a verdict taken from the matcher's own reasons for that
feature: their weights' sum above zero agrees, below zero conflicts, none is unknown. The
coordinator sees the same evidence the score was built from, never a second opinion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from pypinyin import Style, pinyin

from handlers.phrases import phrase
from handlers.times import DATE, shown
from storage import RegistryEntry, Report
from triage.matching.pinyin import has_chinese
from triage.matching.reasons import PREFIX

__all__ = ["FIELDS", "Row", "compare", "verdict_of"]

DAYS_PER_YEAR = 365.25
FIELDS = ("sex", "age", "names", "dialect", "marks", "timeline")
# The matcher's reason families (match.reason.<family>.…) behind each row.
_FAMILIES = {
    "sex": ("sex",),
    "age": ("age",),
    "names": ("name",),
    "dialect": ("dialect",),
    "marks": ("marks", "mark"),
    "timeline": ("timeline", "place"),
}
_SEX = {"M": "choice.child_sex.boy", "F": "choice.child_sex.girl"}  # as the tip's side reads
Part = object  # a phrase (dict) or text as typed


@dataclass
class Row:
    """One fact compared: the tip's side, the entry's side, the verdict and the reasons."""

    name: str
    tip: list[Part] = field(default_factory=list)
    entry: list[Part] = field(default_factory=list)
    verdict: str = "unknown"  # agree, conflict, neutral or unknown
    reasons: list[dict[str, Any]] = field(default_factory=list)


def verdict_of(reasons: list[dict[str, Any]]) -> str:
    """agree / conflict / neutral from the weights of a feature's reasons; unknown without."""
    weights = [float(r.get("weight") or 0.0) for r in reasons]
    if not weights:
        return "unknown"
    total = sum(weights)
    return "agree" if total > 0.05 else "conflict" if total < -0.05 else "neutral"


def _family(stored: object) -> str:
    key = stored.get("key", "") if isinstance(stored, dict) else ""
    return key.removeprefix(PREFIX).split(".")[0] if key.startswith(PREFIX) else ""


def with_pinyin(name: str) -> str:
    """A name with its pinyin ("李勇 (lǐ yǒng)"); a name in letters as it is."""
    if not has_chinese(name):
        return name
    spoken = " ".join(s[0] for s in pinyin(name, style=Style.TONE))
    return f"{name} ({spoken})"


def _tip_age(report: Report) -> list[Part]:
    low, high = report.child_age_min, report.child_age_max
    if low is None and high is None:
        return []
    if low is None or high is None or low == high:
        return [phrase("review.age.looks_one", age=low if low is not None else high)]
    return [phrase("review.age.looks", low=low, high=high)]


def _age_on(entry: RegistryEntry, on: date) -> float | None:
    """The registered child's age on a day, as the matcher reckons it (`matching.age`)."""
    if entry.birth_date is None:
        return None
    born = date(entry.birth_date.year, 7, 1) if entry.birth_year_only else entry.birth_date
    return (on - born).days / DAYS_PER_YEAR


def _entry_age(entry: RegistryEntry, today: date) -> list[Part]:
    now = _age_on(entry, today)
    if now is None or entry.birth_date is None:
        return []
    if entry.missing_date is None:
        return [phrase("review.age.born_now", year=entry.birth_date.year, now=f"{now:.0f}")]
    then = _age_on(entry, entry.missing_date) or 0.0
    return [
        phrase(
            "review.age.then_now",
            year=entry.missing_date.year,
            then=f"{max(then, 0):.0f}",
            now=f"{now:.0f}",
        )
    ]


def _names(report: Report) -> list[Part]:
    parts: list[Part] = []
    if report.names_used:
        names = "、".join(with_pinyin(n) for n in report.names_used)
        parts.append(phrase("review.names.used", names=names))
    if report.names_given:
        names = "、".join(with_pinyin(n) for n in report.names_given)
        parts.append(phrase("review.names.given", names=names))
    return parts


def _tip_dialect(report: Report) -> list[Part]:
    parts: list[Part] = []
    if report.dialect and report.dialect != "not_sure":
        parts.append(phrase(f"choice.dialect.{report.dialect}"))
    if report.dialect_text:
        parts.append(report.dialect_text)
    if report.candidate_provinces:
        provinces = "、".join(report.candidate_provinces)
        parts.append(phrase("review.dialect.from", provinces=provinces))
    return parts


def _entry_dialect(entry: RegistryEntry) -> list[Part]:
    parts: list[Part] = [entry.dialect] if entry.dialect else []
    if entry.home_province:
        parts.append(phrase("review.dialect.home", province=entry.home_province))
    return parts


def _tip_when(report: Report, tz: tzinfo) -> list[Part]:
    parts: list[Part] = []
    if report.seen_on is not None:
        parts.append(phrase("review.when.seen", date=shown(report.seen_on, tz, DATE)))
    place = " ".join(p for p in (report.province, report.city) if p)
    if place:
        parts.append(place)
    return parts


def _entry_when(entry: RegistryEntry) -> list[Part]:
    parts: list[Part] = []
    if entry.missing_date is not None:
        parts.append(phrase("review.when.missing", date=entry.missing_date.strftime(DATE)))
    if entry.missing_place:
        parts.append(entry.missing_place)
    return parts


def compare(
    report: Report, entry: RegistryEntry, reasons: list[dict[str, Any]], today: date, tz: tzinfo
) -> list[Row]:
    """The rows of the side-by-side view, in the order a volunteer compares by hand."""
    rows = [
        Row("sex", [phrase(f"choice.child_sex.{report.child_sex}")] if report.child_sex else []),
        Row("age", _tip_age(report), _entry_age(entry, today)),
        Row("names", _names(report)),
        Row("dialect", _tip_dialect(report), _entry_dialect(entry)),
        Row("marks", [report.child_description] if report.child_description else []),
        Row("timeline", _tip_when(report, tz), _entry_when(entry)),
    ]
    rows[0].entry = [phrase(_SEX[entry.sex])] if entry.sex in _SEX else []
    rows[2].entry = [with_pinyin(n) for n in [entry.name, *(entry.other_names or [])] if n]
    rows[4].entry = [text for text in (entry.marks, entry.description) if text]
    for row in rows:
        row.reasons = [r for r in reasons if _family(r) in _FAMILIES[row.name]]
        row.verdict = verdict_of(row.reasons)
    return rows
