"""Many registry rows at once: an import's new entries and their log lines in bulk INSERTs.

Building 20,000 model objects one by one (each validated, each flushed by the unit of work)
cost an import more than the database did; these write plain rows and read back the
entries, so an import of 20,000 stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from storage.models import utcnow
from storage.registry_log import RegistryEvent
from storage.registry_models import RegistryEntry

__all__ = ["insert_registry_entries", "insert_registry_events"]

_NULLS = {"render_nulls": True}
_BATCH = 2000  # rows per statement: PostgreSQL takes at most 65,535 parameters in one


def insert_registry_entries(
    *, session: Session, rows: Sequence[dict[str, Any]]
) -> list[RegistryEntry]:
    """Insert new entries (column values by name), returned in the same order with their ids."""
    now = utcnow()
    filled = [{"other_names": [], "created_at": now, "updated_at": now, **row} for row in rows]
    before = session.exec(select(func.max(RegistryEntry.id))).one() or 0
    # Without RETURNING the driver sends one prepared statement for every row (executemany);
    # with it, a statement of thousands of rows is built and parsed again for every batch.
    for start in range(0, len(filled), _BATCH):
        # NULLs written as such: rows that leave different fields empty stay one batch.
        session.execute(
            insert(RegistryEntry), filled[start : start + _BATCH], execution_options=_NULLS
        )
    # Read back in one range scan past the ids taken before: the planner's statistics still
    # think the table small, and a look-up by case id per chunk scanned it all each time.
    wanted = {row["case_id"] for row in rows}
    added = session.exec(select(RegistryEntry).where(col(RegistryEntry.id) > before))
    found = {e.case_id: e for e in added if e.case_id in wanted}
    return [found[row["case_id"]] for row in rows]


def insert_registry_events(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append log lines (entry_id, actor, action, detail) to many entries at once."""
    now = utcnow()
    filled = [{"detail": {}, "at": now, **row} for row in rows]
    for start in range(0, len(filled), _BATCH):
        session.execute(insert(RegistryEvent), filled[start : start + _BATCH])
