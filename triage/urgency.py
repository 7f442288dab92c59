"""Urgency of a tip (0–100) with its reasons, from one readable table of rules.

A tip meaning *a child in danger right now* is flagged imminent: coordinators are alerted at
once. An imminent tip, and a missing child gone less than 72 hours (the first hours decide
everything: the police alert platform widens its radius every hour), go on top of every
queue for 72 hours (`Urgency.top_until`; the order itself is `storage.reports.queue_order`).
Reasons are stored as catalogue keys with their points (`seen_week:+8`), and read in each
reader's language by `triage.urgency_words` (through `triage.urgency_reasons`, as the dashboard's `triage.readable` does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import Report
from triage.reporter import ReporterHistory

__all__ = ["IMMINENT", "REPORTER_RULES", "RULES", "TOP_WINDOW", "Rule", "Urgency", "assess"]

TOP_WINDOW = timedelta(hours=72)
IMMINENT = "imminent"  # the reason that flags an imminent tip


@dataclass(frozen=True)
class Rule:
    """One reason a tip is more (or less) urgent."""

    key: str  # its text is urgency.reason.<key> in the catalogue
    points: int
    applies: Callable[[Report, datetime], bool]


def _seen_within(days: float) -> Callable[[Report, datetime], bool]:
    return lambda r, now: r.seen_on is not None and now - r.seen_on <= timedelta(days=days)


def _gone_since(report: Report, now: datetime) -> datetime:
    """When a missing child was last seen, or (not said) when the report came in."""
    return report.seen_on or report.created_at or now


def _missing_recent(report: Report, now: datetime) -> bool:
    """A missing child last seen (or reported, if not said when) less than 72 hours ago."""
    return report.kind == "missing_child" and now - _gone_since(report, now) < TOP_WINDOW


def _sign(name: str) -> Callable[[Report, datetime], bool]:
    return lambda r, now: name in (r.signs or [])


RULES: tuple[Rule, ...] = (
    Rule("missing_recent", 40, _missing_recent),
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


# What became of the same tipster's earlier tips (triage.reporter): small, and said as a reason.
REPORTER_RULES: tuple[tuple[str, int, Callable[[ReporterHistory], bool]], ...] = (
    ("reporter_trusted", 5, lambda h: h.verified >= 1),
    ("reporter_doubtful", -10, lambda h: h.false >= 2),
)


@dataclass(frozen=True)
class Urgency:
    """The score, whether it is imminent, the reasons (largest first), and until when the tip
    is on top of the queue (None: it isn't)."""

    score: int
    imminent: bool
    reasons: list[str]
    top_until: datetime | None = None


def _imminent(report: Report, now: datetime) -> bool:
    """The child is there now, seen within a day, and hurt or afraid."""
    return (
        report.presence == "there_now"
        and _seen_within(1)(report, now)
        and bool({"injuries", "afraid"} & set(report.signs or []))
    )


def _top_until(report: Report, now: datetime, imminent: bool) -> datetime | None:
    """The end of the tip's 72 hours on top: from receipt if imminent, from last seen if a
    missing child gone less than 72 hours."""
    ends = [_gone_since(report, now) + TOP_WINDOW] if _missing_recent(report, now) else []
    if imminent:
        ends.append((report.created_at or now) + TOP_WINDOW)
    return max(ends, default=None)


def assess(report: Report, now: datetime, reporter: ReporterHistory | None = None) -> Urgency:
    """Apply every rule to a tip (and, if known, the rules on its tipster's earlier tips)."""
    applied = [rule for rule in RULES if rule.applies(report, now)]
    if reporter is not None:
        applied += [
            Rule(key, points, lambda r, now: True)
            for key, points, holds in REPORTER_RULES
            if holds(reporter)
        ]
    applied.sort(key=lambda r: -r.points)
    score = max(0, min(100, sum(rule.points for rule in applied)))
    imminent = _imminent(report, now)
    if imminent:
        score = 100
    reasons = ([IMMINENT] if imminent else []) + [
        f"{rule.key}:{rule.points:+d}" for rule in applied
    ]
    return Urgency(score, imminent, reasons, _top_until(report, now, imminent))
