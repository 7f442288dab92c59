"""Reads of the registry table that keep an in-memory matching index up to date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.registry_models import RegistryEntry

__all__ = ["registry_stamp", "registry_changed_since", "registry_entries_by_case"]


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
