"""A tip's urgency in a reader's words: the score or "not assessed yet", the reasons, the top.

Every view (CLI, dashboard, the group's cards and notices) reads urgency through here, so an
unassessed tip reads the same everywhere and never as a score of 0.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from handlers.catalogue import catalogue
from handlers.phrases import say
from handlers.times import stamp
from storage import Report
from triage.urgency import IMMINENT
from triage.urgency_reasons import reason_phrase

__all__ = [
    "is_on_top",
    "reason_words",
    "score_words",
    "top_reason",
    "urgency_json",
]

TOP_REASONS = (IMMINENT, "missing_recent")  # what puts a tip on top of the queue


def score_words(report: Report, language: str) -> str:
    """The score as a number, or "not assessed yet" in the reader's language."""
    if report.urgency is None:
        return catalogue().text(language, "urgency.not_assessed")
    return str(report.urgency)


def is_on_top(report: Report, now: datetime) -> bool:
    """True while the tip is on top of the queue (a fresh missing child, an imminent tip)."""
    return report.top_until is not None and report.top_until > now


def _words(stored_reasons: list[str], language: str) -> list[str]:
    # One wording for every view: the phrases the dashboard's `triage.readable` reads too.
    return [say(language, reason_phrase(stored)) for stored in stored_reasons]


def _until(report: Report, language: str, tz: ZoneInfo) -> str:
    until = report.top_until.astimezone(tz).strftime("%m-%d %H:%M") if report.top_until else ""
    return catalogue().text(language, "urgency.on_top", until=until)


def reason_words(report: Report, language: str, tz: ZoneInfo, now: datetime) -> list[str]:
    """The reasons, largest first, each with its points; first, until when it is on top."""
    on_top = [_until(report, language, tz)] if is_on_top(report, now) else []
    return on_top + _words(report.urgency_reasons or [], language)


def top_reason(report: Report, language: str, tz: ZoneInfo, now: datetime) -> str | None:
    """Why the tip is on top of the queue and until when; None if it isn't."""
    if not is_on_top(report, now):
        return None
    why = [r for r in report.urgency_reasons or [] if r.partition(":")[0] in TOP_REASONS]
    return " · ".join([*_words(why, language), _until(report, language, tz)])


def urgency_json(report: Report, tz: tzinfo) -> dict[str, object] | None:
    """Urgency for machines: None until assessed; reasons as keys with their points; times
    in the deployment's zone `tz`, with their offset."""
    if report.urgency is None:
        return None
    return {
        "score": report.urgency,
        "imminent": report.imminent,
        "reasons": report.urgency_reasons,
        "top_until": stamp(report.top_until, tz),
        "escalated_at": stamp(report.escalated_at, tz),
    }
