"""Matching as jobs: a queued tip against the registry, a new registry entry against tips."""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import Session, col, select

from storage import MatchCandidate, RegistryEntry, Report, ReportStatus
from storage.reports import append_event
from triage.matching import Matcher, RegistryProfile, TipProfile

__all__ = ["entry_profile", "match_report", "tip_profile"]

log = logging.getLogger(__name__)
KEEP = 5
_SEX = {"boy": "M", "girl": "F"}


def tip_profile(report: Report) -> TipProfile:
    """What the matcher compares, from a sighting."""
    marks = " ".join(filter(None, [report.child_description, report.child_said, report.details]))
    return TipProfile(
        tip_id=str(report.id),
        sex=_SEX.get(report.child_sex or ""),  # type: ignore[arg-type]
        age_min=report.child_age_min,
        age_max=report.child_age_max,
        seen_on=report.seen_on.date() if report.seen_on else None,
        names=list(report.names_used or []),
        given_names=list(report.names_given or []),
        candidate_provinces=list(report.candidate_provinces or []),
        province=report.province,
        city=report.city,
        marks_text=marks,
    )


def entry_profile(entry: RegistryEntry) -> RegistryProfile:
    """What the matcher compares, from a registry entry."""
    return RegistryProfile(
        case_id=entry.case_id,
        kind=entry.kind,  # type: ignore[arg-type]
        name=entry.name,
        other_names=list(entry.other_names or []),
        sex=entry.sex,  # type: ignore[arg-type]
        birth_date=entry.birth_date,
        birth_year_only=entry.birth_year_only,
        missing_date=entry.missing_date,
        missing_place=entry.missing_place,
        home_province=entry.home_province,
        dialect=entry.dialect,
        marks=entry.marks,
        description=entry.description,
    )


def _matcher(session: Session, today: date | None) -> tuple[Matcher, dict[str, int]]:
    entries = list(session.exec(select(RegistryEntry)))
    ids = {e.case_id: e.id or 0 for e in entries}
    return Matcher([entry_profile(e) for e in entries], today=today), ids


def match_report(
    *, session: Session, report: Report, today: date | None = None
) -> list[MatchCandidate]:
    """Rank the registry for one tip and keep the best candidates (replacing older proposals)."""
    assert report.id is not None
    matcher, ids = _matcher(session, today)
    matches = matcher.rank(tip_profile(report), limit=KEEP)
    kept = {
        c.entry_id: c
        for c in session.exec(select(MatchCandidate).where(MatchCandidate.report_id == report.id))
    }
    results = []
    for match in matches:
        entry_id = ids[match.case_id]
        candidate = kept.pop(entry_id, None) or MatchCandidate(
            report_id=report.id, entry_id=entry_id, score=0
        )
        candidate.score, candidate.reasons = round(match.score, 4), list(match.reasons)
        session.add(candidate)
        results.append(candidate)
    for stale in kept.values():
        if stale.status == "proposed":
            session.delete(stale)
    session.flush()
    best = matches[0].score if matches else 0.0
    append_event(
        session=session,
        report_id=report.id,
        actor="system",
        action="matched",
        detail={"candidates": len(matches), "best": round(best, 4)},
    )
    return results


def candidates_of(session: Session, report_id: int) -> list[dict[str, object]]:
    """A tip's match candidates, best first, as `{case_id, score, reasons, status}`."""
    rows = session.exec(
        select(MatchCandidate, RegistryEntry)
        .where(MatchCandidate.report_id == report_id, MatchCandidate.entry_id == RegistryEntry.id)
        .order_by(col(MatchCandidate.score).desc())
    )
    return [
        {
            "case_id": entry.case_id,
            "score": cand.score,
            "reasons": cand.reasons,
            "status": cand.status,
        }
        for cand, entry in rows
    ]


def open_tips(session: Session) -> list[Report]:
    """Sightings a new registry entry is compared against."""
    statement = select(Report).where(
        Report.status != ReportStatus.CLOSED, Report.kind == "sighting"
    )
    return list(session.exec(statement))


def match_entry(
    *, session: Session, entry: RegistryEntry, today: date | None = None
) -> list[MatchCandidate]:
    """Rank open tips for a new or changed registry entry and keep the best as candidates."""
    assert entry.id is not None
    tips = open_tips(session)
    by_id = {str(t.id): t for t in tips}
    matcher = Matcher([entry_profile(entry)], today=today)
    results = []
    for match in matcher.rank_tips(
        entry_profile(entry), [tip_profile(t) for t in tips], limit=KEEP
    ):
        report = by_id[match.tip_id]
        existing = session.exec(
            select(MatchCandidate).where(
                MatchCandidate.report_id == report.id, MatchCandidate.entry_id == entry.id
            )
        ).first()
        candidate = existing or MatchCandidate(report_id=report.id or 0, entry_id=entry.id, score=0)
        candidate.score, candidate.reasons = round(match.score, 4), list(match.reasons)
        session.add(candidate)
        results.append(candidate)
    session.flush()
    return results
