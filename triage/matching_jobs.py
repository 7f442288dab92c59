"""Matching as jobs: a queued tip against the registry, a new registry entry against tips."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import MatchCandidate, RegistryEntry, Report
from storage.registry_reads import candidates_by_report
from storage.reports import append_event, open_sightings
from storage.review_reads import matches_of
from triage.matching import Match, TipProfile
from triage.registry import Progress
from triage.registry_index import WarmRegistry, entry_profile, warm_registry

__all__ = [
    "candidates_of",
    "entry_profile",
    "is_lead",
    "match_entry",
    "match_report",
    "rematch_open_tips",
    "tip_profile",
]

log = logging.getLogger(__name__)
KEEP = 5
MIN_SCORE = 0.003  # below this (0.3%) a candidate is no lead and is not listed, unless:
# the tip makes it this many times likelier than a child picked at random. A score spreads
# over the whole registry, so at 100,000 entries a true child ranked fourth scored 0.2%; a
# likelihood ratio does not thin out as the registry grows.
MIN_LIKELIHOOD_RATIO = 30.0
_FEW_ENTRIES = 50  # up to this many changed entries, tips are pre-checked one pair at a time
_WORTH_RANKING = 0.0  # log-likelihood ratio: evidence for the pair, not against it
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
        dialect=report.dialect_text or report.dialect,
        province=report.province,
        city=report.city,
        marks_text=marks,
    )


def _warm(session: Session) -> WarmRegistry:
    """This process's warm registry for the session's database."""
    bind = session.get_bind()
    return warm_registry(bind if isinstance(bind, Engine) else bind.engine)


def match_report(
    *, session: Session, report: Report, today: date | None = None, quiet: bool = False
) -> list[MatchCandidate]:
    """Rank the warm registry for one tip and keep the best candidates (replacing proposals).

    Only leads are kept (`is_lead`): at least MIN_SCORE, or a likelihood ratio of at least
    MIN_LIKELIHOOD_RATIO whatever the registry's size. The event names what
    the tip now lists; with `quiet` (a re-match after an import) it is written only on change.
    """
    assert report.id is not None
    warm = _warm(session)
    matcher = warm.matcher(session)
    kept = candidates_by_report(session=session, report_ids=[report.id])[report.id]
    ranked = matcher.rank(tip_profile(report), limit=KEEP, today=today)
    results = _store(session, report, ranked, ids=warm.ids, kept=kept, quiet=quiet)
    session.flush()
    return results


def is_lead(match: Match) -> bool:
    """Worth listing for a coordinator: likely enough, or far likelier than a random child."""
    return match.score >= MIN_SCORE or match.log_likelihood_ratio >= math.log(MIN_LIKELIHOOD_RATIO)


def _store(
    session: Session,
    report: Report,
    ranked: list[Match],
    *,
    ids: dict[str, int],
    kept: list[MatchCandidate],
    quiet: bool,
) -> list[MatchCandidate]:
    """Keep a tip's new best candidates, drop stale proposals, note the change as an event."""
    assert report.id is not None
    matches = [m for m in ranked if is_lead(m)]
    stored = {c.entry_id: c for c in kept}
    before = {(c.entry_id, c.score) for c in kept}
    results = []
    for match in matches:
        entry_id = ids[match.case_id]
        candidate = stored.pop(entry_id, None) or MatchCandidate(
            report_id=report.id, entry_id=entry_id, score=0, reasons=[]
        )
        candidate.score, candidate.reasons = round(match.score, 4), list(match.reasons)
        session.add(candidate)
        results.append(candidate)
    after = {(c.entry_id, c.score) for c in results}
    for stale in stored.values():
        if stale.status == "proposed":
            session.delete(stale)
        else:
            after.add((stale.entry_id, stale.score))  # a coordinator's verdict stays listed
    if not quiet or after != before:
        append_event(
            session=session,
            report_id=report.id,
            actor="system",
            action="matched",
            detail={
                "candidates": len(after),
                "best": round(matches[0].score, 4) if matches else 0.0,
            },
        )
    return results


def candidates_of(session: Session, report_id: int) -> list[dict[str, object]]:
    """A tip's match candidates, best first, as `{case_id, score, reasons, status}`."""
    return [
        {
            "case_id": entry.case_id,
            "score": cand.score,
            "reasons": cand.reasons,
            "status": cand.status,
        }
        for cand, entry in matches_of(session=session, report_id=report_id)
    ]


def rematch_open_tips(
    *,
    session: Session,
    entries: Sequence[RegistryEntry] = (),
    today: date | None = None,
    progress: Progress | None = None,
) -> list[MatchCandidate]:
    """Re-rank the open sightings after registry entries were added or changed.

    Cost is one indexed ranking per open tip (milliseconds), never entries x tips: a few
    changed entries are first weighed against each tip alone, and only tips one of them
    could now match are ranked again; a large import ranks every open tip once.
    Returns the candidates that involve the given entries.
    """
    warm = _warm(session)
    warm.file(list(entries))
    matcher = warm.matcher(session)  # brought up to date once, not once per tip
    changed = {e.id for e in entries}
    tips = open_sightings(session=session)
    if entries and len(entries) <= _FEW_ENTRIES:
        profiles = [entry_profile(e) for e in entries]
        tips = [
            t
            for t in tips
            if any(matcher.weigh(tip_profile(t), p, today=today) > _WORTH_RANKING for p in profiles)
        ]
    stored = candidates_by_report(session=session, report_ids=[t.id or 0 for t in tips])
    found: list[MatchCandidate] = []
    for done, tip in enumerate(tips, start=1):
        ranked = matcher.rank(tip_profile(tip), limit=KEEP, today=today)
        kept = stored[tip.id or 0]
        for candidate in _store(session, tip, ranked, ids=warm.ids, kept=kept, quiet=True):
            if not changed or candidate.entry_id in changed:
                found.append(candidate)
        if progress is not None:
            progress("matching open tips", done, len(tips))
    session.flush()
    return found


def match_entry(
    *, session: Session, entry: RegistryEntry, today: date | None = None
) -> list[MatchCandidate]:
    """Open sightings that may be this new or changed entry's child, as their candidates."""
    assert entry.id is not None
    return rematch_open_tips(session=session, entries=[entry], today=today)
