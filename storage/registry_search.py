"""Finding registry entries for the dashboard: search by name, pinyin or case id, filtered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from storage.models import Report
from storage.registry_models import MatchCandidate, RegistryEntry

__all__ = [
    "RegistryFilter",
    "entry_matches",
    "get_entry",
    "registry_provinces",
    "search_entries",
]


@dataclass(frozen=True)
class RegistryFilter:
    """What the list page asks for ('' means any)."""

    text: str = ""
    kind: str = ""
    province: str = ""
    status: str = ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_entries(
    *, session: Session, where: RegistryFilter, offset: int, limit: int
) -> tuple[list[RegistryEntry], int]:
    """One page of matching entries by case id, and how many match in all."""
    query = select(RegistryEntry)
    text = where.text.strip().lower()
    if text:
        pattern, compact = _like(text), _like(text.replace(" ", ""))
        query = query.where(
            or_(
                func.lower(col(RegistryEntry.case_id)).like(pattern, escape="\\"),
                col(RegistryEntry.name).like(pattern, escape="\\"),
                col(RegistryEntry.search_names).like(pattern, escape="\\"),
                col(RegistryEntry.search_names).like(compact, escape="\\"),
            )
        )
    if where.kind:
        query = query.where(RegistryEntry.kind == where.kind)
    if where.province:
        query = query.where(RegistryEntry.home_province == where.province)
    if where.status:
        query = query.where(RegistryEntry.status == where.status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(RegistryEntry.case_id)).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)


def get_entry(*, session: Session, case_id: str) -> RegistryEntry | None:
    """One entry by its case id."""
    return session.exec(select(RegistryEntry).where(RegistryEntry.case_id == case_id)).first()


def entries_by_case_id(*, session: Session, limit: int) -> list[RegistryEntry]:
    """The first entries in case-id order."""
    return list(
        session.exec(select(RegistryEntry).order_by(col(RegistryEntry.case_id)).limit(limit))
    )


def registry_provinces(*, session: Session) -> list[str]:
    """The home provinces entries name, for the filter."""
    rows = session.exec(
        select(RegistryEntry.home_province)
        .where(col(RegistryEntry.home_province).is_not(None))
        .distinct()
        .order_by(col(RegistryEntry.home_province))
    )
    return [p for p in rows if p]


def entry_matches(*, session: Session, entry_id: int) -> list[tuple[str, float, str]]:
    """(tip ref, score, status) of every tip proposed as this entry's child, best first."""
    rows = session.exec(
        select(Report.ref, MatchCandidate.score, MatchCandidate.status)
        .join(Report, col(Report.id) == col(MatchCandidate.report_id))
        .where(MatchCandidate.entry_id == entry_id)
        .order_by(col(MatchCandidate.score).desc())
    )
    return [(ref, float(score), status) for ref, score, status in rows]
