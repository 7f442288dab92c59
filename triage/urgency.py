"""Urgency of a tip (0–100) with its reasons, from one readable table of rules.

A tip meaning *a child in danger right now* is flagged imminent: it goes to the top of every
queue and coordinators are alerted at once. Reasons are stored as catalogue keys with their
points (`seen_week:+8`) and read in each reader's language by `triage.readable`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import Report

__all__ = ["IMMINENT", "RULES", "Rule", "Urgency", "assess"]

IMMINENT = "imminent"  # the reason that flags an imminent tip


@dataclass(frozen=True)
class Rule:
    """One reason a tip is more (or less) urgent."""

    key: str  # its text is urgency.reason.<key> in the catalogue
    points: int
    applies: Callable[[Report, datetime], bool]


def _seen_within(days: float) -> Callable[[Report, datetime], bool]:
    return lambda r, now: r.seen_on is not None and now - r.seen_on <= timedelta(days=days)


def _sign(name: str) -> Callable[[Report, datetime], bool]:
    return lambda r, now: name in (r.signs or [])


RULES: tuple[Rule, ...] = (
    Rule("there_now", 30, lambda r, now: r.presence == "there_now"),
    Rule("lives_nearby", 20, lambda r, now: r.presence == "lives_nearby"),
    Rule("seen_day", 15, _seen_within(1)),
    Rule(
        "seen_week",
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
    Rule("dialect_differs", 5, lambda r, now: r.dialect_differs == "yes"),
    Rule("precise_location", 5, lambda r, now: r.latitude is not None or r.city is not None),
)


@dataclass(frozen=True)
class Urgency:
    """The score, whether it is imminent, and the reasons, largest first."""

    score: int
    imminent: bool
    reasons: list[str]


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
        f"{rule.key}:{rule.points:+d}" for rule in applied
    ]
    return Urgency(score, imminent, reasons)
