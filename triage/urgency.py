"""Urgency of a tip (0–100) with its reasons, from one readable table of rules.

A tip meaning *a child in danger right now* is flagged imminent: it goes to the top of every
queue and coordinators are alerted at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.phrases import Phrase, phrase
from storage import Report

__all__ = ["IMMINENT", "RULES", "Rule", "Urgency", "assess", "reason_phrase"]


@dataclass(frozen=True)
class Rule:
    """One reason a tip is more (or less) urgent; `urgency.<name>` words it."""

    name: str
    points: int
    applies: Callable[[Report, datetime], bool]


def _seen_within(days: float) -> Callable[[Report, datetime], bool]:
    return lambda r, now: r.seen_on is not None and now - r.seen_on <= timedelta(days=days)


def _sign(name: str) -> Callable[[Report, datetime], bool]:
    return lambda r, now: name in (r.signs or [])


RULES: tuple[Rule, ...] = (
    Rule("there_now", 30, lambda r, now: r.presence == "there_now"),
    Rule("lives_nearby", 20, lambda r, now: r.presence == "lives_nearby"),
    Rule("seen_today", 15, _seen_within(1)),
    Rule(
        "seen_this_week",
        8,
        lambda r, now: _seen_within(7)(r, now) and not _seen_within(1)(r, now),
    ),
    Rule(
        "seen_long_ago",
        -15,
        lambda r, now: r.seen_on is not None and not _seen_within(90)(r, now),
    ),
    Rule(
        "very_young",
        15,
        lambda r, now: r.child_age_max is not None and r.child_age_max <= 5,
    ),
    Rule(
        "young",
        8,
        lambda r, now: r.child_age_max is not None and 5 < r.child_age_max <= 10,
    ),
    Rule("injuries", 20, _sign("injuries")),
    Rule("afraid", 10, _sign("afraid")),
    Rule("wants_home", 10, _sign("wants_home")),
    Rule("arrived_recently", 10, _sign("arrived_recently")),
    Rule("begging_working", 8, _sign("begging_working")),
    Rule("lost_place", 8, _sign("lost_place")),
    Rule("several_signs", 10, lambda r, now: len(r.signs or []) >= 3),
    Rule("different_name", 10, lambda r, now: bool(r.names_given)),
    Rule("speaks_differently", 5, lambda r, now: r.dialect_differs == "yes"),
    Rule("precise_location", 5, lambda r, now: r.latitude is not None or r.city is not None),
)

# The English reasons stored before reasons were phrases, so that older tips read too.
_LEGACY = {
    "child is there now": "there_now",
    "child lives nearby": "lives_nearby",
    "seen in the last 24 hours": "seen_today",
    "seen in the last week": "seen_this_week",
    "seen more than 90 days ago": "seen_long_ago",
    "very young child (5 or under)": "very_young",
    "young child (10 or under)": "young",
    "injuries": "injuries",
    "afraid of the adults": "afraid",
    "asked to go home": "wants_home",
    "being moved / arrived recently": "arrived_recently",
    "begging or working": "begging_working",
    "doesn't know where they are": "lost_place",
    "several signs together": "several_signs",
    "gave a different name": "different_name",
    "speaks differently from locals": "speaks_differently",
    "precise location": "precise_location",
}
_LEGACY_TEXT = re.compile(r"(?P<reason>.+) \((?P<points>[+-]\d+)\)")
IMMINENT = phrase("urgency.imminent")


def reason_phrase(stored: object) -> object:
    """A stored reason as a phrase; a reason stored as English text is read back first."""
    if stored == "IMMINENT: child in danger now":
        return IMMINENT
    found = _LEGACY_TEXT.fullmatch(stored) if isinstance(stored, str) else None
    if found and found["reason"] in _LEGACY:
        return phrase(f"urgency.{_LEGACY[found['reason']]}", points=int(found["points"]))
    return stored


@dataclass(frozen=True)
class Urgency:
    """The score, whether it is imminent, and the reasons (phrases), largest first."""

    score: int
    imminent: bool
    reasons: list[Phrase]


def _imminent(report: Report, now: datetime) -> bool:
    """The child is there now, seen within a day, and hurt or afraid."""
    return (
        report.presence == "there_now"
        and _seen_within(1)(report, now)
        and bool({"injuries", "afraid"} & set(report.signs or []))
    )


def assess(report: Report, now: datetime) -> Urgency:
    """Apply every rule to a tip."""
    applied = sorted((rule for rule in RULES if rule.applies(report, now)), key=lambda r: -r.points)
    score = max(0, min(100, sum(rule.points for rule in applied)))
    imminent = _imminent(report, now)
    if imminent:
        score = 100
    reasons = ([IMMINENT] if imminent else []) + [
        phrase(f"urgency.{rule.name}", points=rule.points) for rule in applied
    ]
    return Urgency(score, imminent, reasons)
