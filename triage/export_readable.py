"""A referral package as a CSV a person reads: one (label, value) row per fact, in a language.

The labels are the referral sheet's and the dashboard's, the values in words, the times in
the deployment's zone; the header too is in that language. It holds exactly what the package
holds (`triage.export.export_tip` already left the tipster's identity out unless a reason
was given), and every cell is spreadsheet-safe. `package_csv` keeps the keyed CSV for
scripts (`--format csv-keys`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from handlers.catalogue import catalogue
from handlers.times import shown
from triage.export import spreadsheet_safe
from triage.readable import Reader
from triage.tip_facts import Row, fact_rows, link_words, separated

__all__ = ["package_rows", "readable_csv"]


def _text(reader: Reader, key: str, **params: object) -> str:
    return catalogue().text(reader.language, key, **params)


def _urgency(package: Mapping[str, Any], reader: Reader) -> str:
    urgency = package["urgency"]
    if urgency is None:
        return _text(reader, "urgency.not_assessed")
    parts = [str(urgency["score"])]
    if urgency["imminent"]:
        parts.append(_text(reader, "dashboard.tip.imminent"))
    return separated(reader, [" · ".join(parts), *reader.reasons(urgency["reasons"])])


def _message(message: Mapping[str, Any], reader: Reader) -> str:
    way = _text(reader, f"export.{message['direction']}")
    if message["sent_while_blocked"]:
        way = _text(
            reader, "export.aside", text=way, aside=_text(reader, "export.sent_while_blocked")
        )
    return f"{shown(message['at'], reader.tz)} · {reader.pair(way, message['body'])}"


def package_rows(package: Mapping[str, Any], reader: Reader) -> list[Row]:
    """The package's rows: the tip's facts, urgency, matches, referrals, messages, notes."""
    separator = _text(reader, "dashboard.tip.detail_separator")
    rows = fact_rows(package, reader)
    rows.append((_text(reader, "dashboard.field.urgency"), _urgency(package, reader)))
    matches = _text(reader, "dashboard.tip.matches")
    for match in package["matches"]:
        why = separator.join(reader.say(reason) for reason in match["reasons"])
        rows.append((matches, f"{match['case_id']} · {match['score']:.2f} · {why}"))
    rows += [
        (_text(reader, "review.link.title"), link_words(link, reader)) for link in package["links"]
    ]
    records = _text(reader, "referral.records")
    for referral in package["referrals"]:
        parts = (reader.label("referral", referral["kind"]), referral["to"], referral["reference"])
        words = " · ".join(p for p in (*parts, shown(referral["at"], reader.tz)) if p)
        rows.append((records, words))
    thread = _text(reader, "dashboard.tip.thread")
    rows += [(thread, _message(message, reader)) for message in package["tipster_messages"]]
    rows.append((_text(reader, "export.notes_count"), str(package["notes_count"])))
    return rows


def readable_csv(package: Mapping[str, Any], reader: Reader) -> str:
    """The package as a two-column CSV with a header in the reader's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_text(reader, "export.csv.field"), _text(reader, "export.csv.value")])
    rows = package_rows(package, reader)
    writer.writerows((spreadsheet_safe(label), spreadsheet_safe(value)) for label, value in rows)
    return buffer.getvalue()
