"""The registry's matching index, built once per process and kept warm.

Building the index of 20,000 entries takes seconds; ranking one tip on it takes milliseconds.
So each process (the worker, `homeward match`, an import) keeps one `WarmRegistry` per
database and, before each use, asks the table one cheap question: how many entries, and
the latest `updated_at`. Entries changed since are read and re-filed (an import, a family's
report, a confirmed match all touch `updated_at`); a count that no longer adds up (an entry
deleted) rebuilds the index from scratch.

When the (count, latest) stamp is unchanged, nothing is read. When it moved, rows updated
from `_SLACK` before the older of the two latest stamps are re-checked by (case_id,
updated_at): a writer in another process may commit a row stamped before one already seen.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import RegistryEntry, RegistryKind
from storage.registry_reads import (
    all_registry_entries,
    registry_changed_since,
    registry_entries_by_case,
    registry_stamp,
)
from triage.matching import Matcher, RegistryProfile

__all__ = ["WarmRegistry", "entry_profile", "warm_registry"]

log = logging.getLogger(__name__)
_SLACK = timedelta(seconds=120)


def entry_profile(entry: RegistryEntry) -> RegistryProfile:
    """What the matcher compares, from a registry entry."""
    return RegistryProfile(
        case_id=entry.case_id,
        kind=RegistryKind(entry.kind),
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


class WarmRegistry:
    """One database's registry as a Matcher, with the row id of every case."""

    def __init__(self) -> None:
        self._matcher = Matcher()
        self.ids: dict[str, int] = {}  # case_id -> RegistryEntry.id
        self._seen: dict[str, datetime] = {}  # case_id -> updated_at filed
        self._latest: datetime | None = None
        self._stamp: tuple[int, datetime | None] = (0, None)  # the table as last checked
        self._lock = threading.Lock()
        self.rebuilds = 0  # full builds so far, for tests and logs

    def matcher(self, session: Session) -> Matcher:
        """The matcher, brought up to date with the table first."""
        with self._lock:
            self._refresh(session)
            return self._matcher

    def file(self, entries: list[RegistryEntry]) -> None:
        """File entries this process has just written (their rows must be flushed)."""
        with self._lock:
            for entry in entries:
                self._add(entry)

    def _refresh(self, session: Session) -> None:
        stamp = registry_stamp(session=session)
        count, latest = stamp
        if latest is None:
            self._reset()
            return
        if self._latest is None:
            self._rebuild(session)
        elif stamp != self._stamp:
            since = min(latest, self._latest) - _SLACK
            stale = [
                case_id
                for case_id, updated in registry_changed_since(session=session, since=since)
                if self._seen.get(case_id) != updated
            ]
            for entry in registry_entries_by_case(session=session, case_ids=stale):
                self._add(entry)
            if count != len(self.ids):
                log.info("registry index out of step (%d rows, %d filed)", count, len(self.ids))
                self._rebuild(session)
        self._stamp = stamp

    def _add(self, entry: RegistryEntry) -> None:
        self._matcher.add(entry_profile(entry))
        self.ids[entry.case_id] = entry.id or 0
        self._seen[entry.case_id] = entry.updated_at
        if self._latest is None or entry.updated_at > self._latest:
            self._latest = entry.updated_at

    def _reset(self) -> None:
        self._matcher, self.ids, self._seen, self._latest = Matcher(), {}, {}, None
        self._stamp = (0, None)

    def _rebuild(self, session: Session) -> None:
        self._reset()
        for entry in all_registry_entries(session=session):
            self._add(entry)
        self.rebuilds += 1
        log.info("registry index built: %d entries", len(self.ids))


_warm: dict[str, WarmRegistry] = {}
_warm_lock = threading.Lock()


def warm_registry(engine: Engine) -> WarmRegistry:
    """This process's warm registry for a database (one per database URL)."""
    key = engine.url.render_as_string(hide_password=True)
    with _warm_lock:
        return _warm.setdefault(key, WarmRegistry())
