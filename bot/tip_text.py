"""One tip as text for a terminal (`homeward tips show`), in the reader's language and zone."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from handlers.catalogue import catalogue
from handlers.times import SECOND, shown
from handlers.transcript import transcript
from storage import Report
from triage.readable import Reader
from triage.tip_facts import fact_rows, link_words
from triage.urgency_words import is_on_top, score_words

__all__ = ["link_lines", "queue_line", "tip_lines"]


def _heading(reader: Reader, key: str) -> str:
    return catalogue().text(reader.language, f"dashboard.{key}")


def _padded(text: str, width: int) -> str:
    """TEXT padded to WIDTH terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 1)


def queue_line(report: Report, reader: Reader, now: datetime) -> str:
    """One tip of `homeward tips list`: reference, ! imminent or ^ on top, urgency, status,
    kind, received, place; words in the reader's language, columns aligned."""
    place = " ".join(p for p in (report.province, report.city) if p) or "-"
    flag = "!" if report.imminent else ("^" if is_on_top(report, now) else " ")
    return (
        f"{report.ref} {flag} {_padded(score_words(report, reader.language), 7)}"
        f"{_padded(reader.label('status', report.status), 10)}"
        f"{_padded(reader.label('kind', report.kind), 17)}"
        f"{shown(report.created_at, reader.tz)}  {place}"
    )


def link_lines(links: list[dict[str, Any]], reader: Reader) -> list[str]:
    """Tips probably about the same child: reference, score, the decision, why; in words."""
    if not links:
        return []
    lines = [catalogue().text(reader.language, "review.link.title")]
    lines += [f"  {link_words(link, reader)}" for link in links]
    return lines


def _verdict_words(verdict: dict[str, Any], reader: Reader) -> str:
    """A decided match as the dashboard says it: the verdict, who, when, through which tip."""
    say = catalogue().text
    words = [say(reader.language, f"review.status.{verdict['status']}")]
    if verdict.get("by"):
        words.append(say(reader.language, "review.decided_by", name=verdict["by"]))
    if verdict.get("at"):
        words.append(shown(verdict["at"], reader.tz))
    if verdict.get("through"):
        words.append(say(reader.language, "review.through_case", ref=verdict["through"]))
    return " · ".join(words)


def _facts(data: dict[str, Any], reader: Reader) -> list[str]:
    """The tip's facts under their heading, one "label: value" a line."""
    lines = [_heading(reader, "tip.fields")]
    for label, value in fact_rows(data, reader):
        lines.append("  " + reader.pair(label, value).replace("\n", "\n    "))
    return lines


def tip_lines(
    data: dict[str, Any],
    reader: Reader,
    *,
    emergency: str,
    urgency: list[str],
    ask_why_not: str | None = None,
    revealed: tuple[str, str] | None = None,
) -> list[str]:
    """The tip top to bottom in the reader's words: its facts, whether it can be asked,
    urgency (score or "not assessed yet", then reasons), matches, the questions as asked
    with the answers, and the event log (who did what, when, in the reader's zone).
    `revealed`: who revealed the contact and why, said under the facts."""
    lines = _facts(data, reader)
    if revealed is not None:
        name, reason = revealed
        lines.append(
            "  " + catalogue().text(reader.language, "referral.revealed", name=name, reason=reason)
        )
    separator = catalogue().text(reader.language, "dashboard.tip.detail_separator")
    if ask_why_not:  # said before anyone types a question
        lines.append(reader.pair(_heading(reader, "actions.ask_title"), ask_why_not))
    lines.append(reader.pair(_heading(reader, "field.urgency"), urgency[0]))
    lines += [f"  {reason}" for reason in urgency[1:]]
    if data["matches"]:
        lines.append(_heading(reader, "tip.matches"))
    for match in data["matches"]:
        why = separator.join(reader.say(reason) for reason in match["reasons"])
        lines.append(f"  {match['case_id']}  {match['score']:.2f}  {why}")
        if match.get("verdict"):
            lines.append(f"    {_verdict_words(match['verdict'], reader)}")
    lines += link_lines(data.get("links") or [], reader)
    lines.append(_heading(reader, "tip.answers"))
    for item in transcript(
        data["answers"] or {}, kind=data["kind"], language=reader.language, emergency=emergency
    ):
        lines.append("  " + item.question.replace("\n", "\n  "))
        lines += [f"    {answer}" for answer in (*item.tapped, *item.typed)]
    lines.append(_heading(reader, "tip.timeline"))
    for event in data["events"]:
        details = separator.join(reader.details(event["action"], event["detail"]))
        action = reader.label("event", event["action"])
        when = shown(event["at"], reader.tz, SECOND)
        lines.append(
            f"  {when}  {reader.pair(reader.actor(event['actor']), action)}  {details}".rstrip()
        )
    return lines
