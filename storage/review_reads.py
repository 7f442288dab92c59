"""Reads for reviewing what the matcher proposed: a tip's matches, its links, a child's group."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Report
from storage.registry_models import MatchCandidate, MatchStatus, RegistryEntry, SameChildLink

__all__ = ["confirmed_entries", "confirmed_group", "links_of", "matches_of"]


def matches_of(*, session: Session, report_id: int) -> list[tuple[MatchCandidate, RegistryEntry]]:
    """A tip's proposed (and decided) registry matches with their entries, best first."""
    rows = session.exec(
        select(MatchCandidate, RegistryEntry)
        .where(MatchCandidate.report_id == report_id, MatchCandidate.entry_id == RegistryEntry.id)
        .order_by(col(MatchCandidate.score).desc(), col(RegistryEntry.case_id))
    )
    return list(rows)


def links_of(*, session: Session, report_id: int) -> list[tuple[SameChildLink, Report]]:
    """A tip's same-child links, each with the other tip, most likely first."""
    links = list(
        session.exec(
            select(SameChildLink)
            .where(
                or_(
                    col(SameChildLink.report_id) == report_id,
                    col(SameChildLink.other_report_id) == report_id,
                )
            )
            .order_by(col(SameChildLink.score).desc(), col(SameChildLink.id))
        )
    )
    others = {
        r.id: r
        for r in session.exec(
            select(Report).where(
                col(Report.id).in_(
                    {
                        link.other_report_id if link.report_id == report_id else link.report_id
                        for link in links
                    }
                )
            )
        )
    }
    paired = []
    for link in links:
        other = others.get(link.other_report_id if link.report_id == report_id else link.report_id)
        if other is not None:
            paired.append((link, other))
    return paired


def confirmed_group(*, session: Session, report_id: int) -> list[Report]:
    """Every tip connected to this one over confirmed same-child links (itself included)."""
    seen, frontier = {report_id}, {report_id}
    while frontier:
        rows = session.exec(
            select(SameChildLink.report_id, SameChildLink.other_report_id).where(
                SameChildLink.status == MatchStatus.CONFIRMED,
                or_(
                    col(SameChildLink.report_id).in_(frontier),
                    col(SameChildLink.other_report_id).in_(frontier),
                ),
            )
        )
        found = {tip for pair in rows for tip in pair} - seen
        seen |= found
        frontier = found
    return list(session.exec(select(Report).where(col(Report.id).in_(seen))))


def confirmed_entries(
    *, session: Session, report_ids: Iterable[int]
) -> list[tuple[MatchCandidate, RegistryEntry]]:
    """The registry entries confirmed as the child of any of these tips."""
    return list(
        session.exec(
            select(MatchCandidate, RegistryEntry).where(
                col(MatchCandidate.report_id).in_(list(report_ids)),
                MatchCandidate.status == MatchStatus.CONFIRMED,
                MatchCandidate.entry_id == RegistryEntry.id,
            )
        )
    )
