"""The matching benchmark's real path: a database, a registry import, tips as the worker sees them."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from datetime import time as clock

import psycopg
from sqlalchemy.engine import Engine, make_url

from storage import NO_PIN, RegistryEntry, Report, make_engine, session_scope, upgrade
from triage.matching import RegistryProfile, TipProfile
from triage.matching_jobs import rematch_open_tips
from triage.registry import COLUMNS, import_registry_csv

_SEX = {"M": "boy", "F": "girl"}


@contextmanager
def fresh_database(url: str | None) -> Iterator[tuple[Engine, str]]:
    """An empty, migrated database: a temporary SQLite file, or a scratch PostgreSQL one."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "bench.sqlite3")
            upgrade(f"sqlite:///{path}")
            yield make_engine(f"sqlite:///{path}"), "SQLite"
        return
    server = make_url(url)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = "homeward_bench_matching"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    scratch = server.set(database=name).render_as_string(hide_password=False)
    upgrade(scratch)
    engine = make_engine(scratch)
    try:
        yield engine, "PostgreSQL"
    finally:
        engine.dispose()


def registry_csv(entries: Iterable[RegistryProfile]) -> str:
    """Entries as the CSV `homeward registry import` reads."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for e in entries:
        birth = e.birth_date.isoformat()[:4] if e.birth_year_only else e.birth_date
        writer.writerow(
            {
                "case_id": e.case_id, "kind": e.kind, "name": e.name,
                "other_names": ";".join(e.other_names), "sex": e.sex or "",
                "birth_date": birth or "", "missing_date": e.missing_date or "",
                "missing_place": e.missing_place, "home_province": e.home_province or "",
                "dialect": e.dialect or "", "marks": e.marks, "description": e.description,
            }
        )  # fmt: skip
    return out.getvalue()


def as_report(tip: TipProfile, ref: str) -> Report:
    """A sighting row carrying what the tip says, as an interview or `tips import` stores it."""
    seen = datetime.combine(tip.seen_on, clock(12), tzinfo=UTC) if tip.seen_on else None
    return Report(
        ref=ref,
        pin_hash=NO_PIN,
        draft_id=str(uuid.uuid4()),
        kind="sighting",
        language="zh_CN",
        channel="import",
        province=tip.province,
        seen_on=seen,
        child_sex=_SEX.get(tip.sex or ""),
        child_age_min=tip.age_min,
        child_age_max=tip.age_max,
        child_description=tip.marks_text or None,
        names_used=tip.names,
        names_given=tip.given_names,
        dialect_text=tip.dialect,
        candidate_provinces=tip.candidate_provinces,
    )


def add_tips(engine: Engine, tips: Iterable[tuple[str, TipProfile]]) -> dict[str, int]:
    """Store sightings; their row ids by reference."""
    with session_scope(engine) as session:
        rows = [as_report(tip, ref) for ref, tip in tips]
        session.add_all(rows)
        session.flush()
        return {r.ref: r.id or 0 for r in rows}


def timed_import(engine: Engine, text: str) -> tuple[float, float, int]:
    """`homeward registry import` as the command runs it: (seconds, CPU seconds here, entries)."""
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        entries, _ = import_registry_csv(session=session, text=text)
        rematch_open_tips(session=session, entries=entries)
    return time.perf_counter() - started, time.process_time() - cpu, len(entries)


def case_ids(engine: Engine) -> dict[int, str]:
    """Registry row id -> case id."""
    with session_scope(engine) as session:
        from sqlmodel import select

        return {e.id or 0: e.case_id for e in session.exec(select(RegistryEntry))}
