"""What the tip page shows for review: proposed matches side by side, and same-child links."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlmodel import Session

from storage import MatchStatus, Report
from storage.registry_log import entry_photos
from storage.review_reads import links_of, matches_of
from triage.links import link_reason
from triage.match_review import compare
from triage.match_verdicts import match_verdicts

__all__ = ["review_sections"]


def review_sections(
    session: Session, report: Report, *, now: datetime, tz: tzinfo
) -> dict[str, Any]:
    """The tip's matches (each with its entry and the rows compared) and its linked tips."""
    today = now.astimezone(tz).date()
    matches = []
    proposed = matches_of(session=session, report_id=report.id or 0)
    photos = entry_photos(session=session, entry_ids=[e.id or 0 for _, e in proposed])
    case_ids = {e.id or 0: e.case_id for _, e in proposed}
    verdicts = match_verdicts(session=session, report=report, case_ids=case_ids)
    for candidate, entry in proposed:
        rows = compare(report, entry, list(candidate.reasons), today, tz)
        shown = [reason for row in rows for reason in row.reasons]
        other = [reason for reason in candidate.reasons if reason not in shown]
        matches.append(
            {
                "candidate": candidate,
                "entry": entry,
                "rows": rows,
                "other": other,
                "photos": photos.get(entry.id or 0, []),
                "verdict": verdicts.get(entry.id or 0),
            }
        )
    pairs = links_of(session=session, report_id=report.id or 0)
    links = [
        {"link": link, "other": other, "reasons": [link_reason(r) for r in link.reasons]}
        for link, other in pairs
    ]
    grouped = any(link.status == MatchStatus.CONFIRMED for link, _ in pairs)
    return {"review_matches": matches, "review_links": links, "in_case": grouped}
