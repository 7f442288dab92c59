"""Reads of the registry table that keep an in-memory matching index up to date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Report
from storage.registry_models import MatchCandidate, MatchStatus, RegistryEntry

__all__ = [
    "confirmed_matches",
    "all_registry_entries",
    "candidate_for_case",
    "candidates_by_report",
    "decided_match_scores",
    "registry_changed_since",
    "registry_entries_by_case",
    "registry_stamp",
]


def registry_stamp(*, session: Session) -> tuple[int, datetime | None]:
    """(how many entries, the latest updated_at): one cheap query to see whether anything moved."""
    count, latest = session.exec(
        select(func.count(col(RegistryEntry.id)), func.max(RegistryEntry.updated_at))
    ).one()
    return int(count or 0), latest


def registry_changed_since(*, session: Session, since: datetime) -> list[tuple[str, datetime]]:
    """(case_id, updated_at) of entries updated at or after a moment: two columns, no bodies."""
    rows = session.exec(
        select(RegistryEntry.case_id, RegistryEntry.updated_at).where(
            RegistryEntry.updated_at >= since
        )
    )
    return [(case_id, updated) for case_id, updated in rows]


def registry_entries_by_case(*, session: Session, case_ids: Sequence[str]) -> list[RegistryEntry]:
    """Full rows for some case ids (all entries when `case_ids` is empty is NOT implied)."""
    found: list[RegistryEntry] = []
    ids = list(case_ids)
    for start in range(0, len(ids), 5000):  # keep each IN list a sane size
        chunk = ids[start : start + 5000]
        found.extend(
            session.exec(select(RegistryEntry).where(col(RegistryEntry.case_id).in_(chunk)))
        )
    return found


def decided_match_scores(*, session: Session) -> list[tuple[float, bool]]:
    """(score, confirmed) of every match a coordinator confirmed or dismissed: labelled pairs."""
    rows = session.exec(
        select(MatchCandidate.score, MatchCandidate.status).where(
            col(MatchCandidate.status).in_([MatchStatus.CONFIRMED, MatchStatus.DISMISSED])
        )
    )
    return [(float(score), status == MatchStatus.CONFIRMED) for score, status in rows]


def confirmed_matches(*, session: Session) -> list[tuple[Report, RegistryEntry]]:
    """Every tip with the registry entry a coordinator confirmed as its child."""
    rows = session.exec(
        select(Report, RegistryEntry)
        .join(MatchCandidate, col(MatchCandidate.report_id) == Report.id)
        .where(
            MatchCandidate.entry_id == RegistryEntry.id,
            MatchCandidate.status == MatchStatus.CONFIRMED,
        )
        .order_by(col(MatchCandidate.id))
    )
    return list(rows)


def candidates_by_report(
    *, session: Session, report_ids: Sequence[int]
) -> dict[int, list[MatchCandidate]]:
    """Every tip's stored match candidates, in one query per 10,000 tips."""
    found: dict[int, list[MatchCandidate]] = {report_id: [] for report_id in report_ids}
    for start in range(0, len(report_ids), 10_000):
        chunk = list(report_ids[start : start + 10_000])
        statement = select(MatchCandidate).where(col(MatchCandidate.report_id).in_(chunk))
        for candidate in session.exec(statement):
            found[candidate.report_id].append(candidate)
    return found


def all_registry_entries(*, session: Session) -> list[RegistryEntry]:
    """Every registry entry, to build the matching index from."""
    return list(session.exec(select(RegistryEntry)))


def candidate_for_case(
    *, session: Session, report_id: int, case_id: str
) -> tuple[MatchCandidate, RegistryEntry] | None:
    """A tip's match candidate for one registry case, with the entry; None if never proposed."""
    return session.exec(
        select(MatchCandidate, RegistryEntry).where(
            MatchCandidate.report_id == report_id,
            MatchCandidate.entry_id == RegistryEntry.id,
            RegistryEntry.case_id == case_id,
        )
    ).first()
