"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

import storage  # noqa: F401  (every table registered)
from storage import Coordinator, Report, upgrade
from storage.db import alembic_config
from tests.conftest import _create_pg_database


def test_the_migrations_build_the_schema_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_a_score_no_assessment_wrote_becomes_not_assessed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    engine = create_engine(url)
    with engine.begin() as connection:
        for ref, assessed in (("HW-AAAA-22", True), ("HW-BBBB-33", False)):
            connection.execute(
                text(
                    "INSERT INTO report (ref, pin_hash, draft_id, kind, status, language, channel,"
                    " names_used, names_given, birth_year_only, candidate_provinces, signs,"
                    " answers, urgency, imminent, urgency_reasons, created_at, updated_at)"
                    " VALUES (:ref, '-', :ref, 'sighting', 'new', 'en', 'test', '[]', '[]', 0,"
                    " '[]', '[]', '{}', :urgency, 0, '[]', :at, :at)"
                ),
                {"ref": ref, "urgency": 13 if assessed else 0, "at": "2026-12-01 00:00:00"},
            )
            if assessed:
                connection.execute(
                    text(
                        "INSERT INTO reportevent (report_id, at, actor, action, detail) SELECT id,"
                        " created_at, 'system', 'assessed', '{}' FROM report WHERE ref = :ref"
                    ),
                    {"ref": ref},
                )

    upgrade(url)

    with engine.connect() as connection:
        scores = dict(connection.execute(text("SELECT ref, urgency FROM report")).all())
        events = connection.execute(text("SELECT count(*) FROM reportevent")).scalar()
    assert scores == {"HW-AAAA-22": 13, "HW-BBBB-33": None}
    assert events == 1  # SQLite rebuilt the report table without cascading to its events
    engine.dispose()


SQLITE_AND_POSTGRESQL = ["sqlite", "postgresql"]


@pytest.fixture(params=SQLITE_AND_POSTGRESQL)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it yet, on SQLite and (when the suite has it) PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin_url = os.environ.get("HOMEWARD_TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("needs PostgreSQL: set HOMEWARD_TEST_DATABASE_URL (CI does)")
    url, conninfo = _create_pg_database(admin_url)
    yield url
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _a_value(column: Column[Any], row: int) -> object:
    """Something a column of this type takes (a foreign key points at the row of the same
    number in its table)."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return row
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 12, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2026, 12, 1)
    if isinstance(kind, sa.Float | sa.Numeric):
        return 1.5
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, sa.LargeBinary):
        return b"x"
    return f"{column.table.name}-{row}"[: getattr(kind, "length", None) or 64]


def _fill_every_table(engine: Engine, rows: int) -> dict[str, int]:
    """Put `rows` rows in every table, every column filled; how many each table holds."""
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            connection.execute(
                table.insert(),
                [{c.name: _a_value(c, row) for c in table.columns} for row in range(1, rows + 1)],
            )
    with engine.connect() as connection:
        return {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in tables.sorted_tables
            if t.name != "alembic_version"
        }


def test_a_populated_0004_database_upgrades_to_the_newest_keeping_every_row(
    empty_database: str,
) -> None:
    upgrade(empty_database, "0004")
    engine = create_engine(empty_database)
    before = _fill_every_table(engine, rows=3)
    assert before and all(count == 3 for count in before.values())

    upgrade(empty_database)

    with engine.connect() as connection:
        after = {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in before
            if name != "followupattempt"  # replaced by per-key counts (0007)
        }
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    with Session(engine) as session:  # the old rows read as the models describe them now
        reports = session.exec(select(Report)).all()
        coordinators = session.exec(select(Coordinator)).all()
    engine.dispose()
    assert after == {name: 3 for name in before if name != "followupattempt"}
    assert version == ScriptDirectory.from_config(alembic_config(empty_database)).get_current_head()
    assert [r.urgency for r in reports] == [None, None, None]  # no assessment wrote them
    assert [c.session_generation for c in coordinators] == [0, 0, 0]


def test_0015_leaves_earlier_deliveries_without_a_photo_sent_and_downgrades(
    empty_database: str,
) -> None:
    upgrade(empty_database, "0014")
    engine = create_engine(empty_database)
    tables = sa.MetaData()
    tables.reflect(engine, only=["subscription", "alert", "alertdelivery"])
    with engine.begin() as connection:  # two deliveries, each of its alert to its subscriber
        for name in ("subscription", "alert", "alertdelivery"):
            table = tables.tables[name]
            connection.execute(
                table.insert(),
                [
                    {
                        c.name: None if c.foreign_keys and c.nullable else _a_value(c, row)
                        for c in table.columns
                    }
                    for row in (1, 2)
                ],
            )

    upgrade(empty_database, "0015")
    with engine.connect() as connection:
        marks = connection.execute(text("SELECT photo_sent_at FROM alertdelivery")).all()
    command.downgrade(alembic_config(empty_database), "0014")
    with engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("alertdelivery")}
        rows = connection.execute(text("SELECT count(*) FROM alertdelivery")).scalar_one()
    engine.dispose()
    assert marks == [(None,), (None,)]  # a retry of those sends the photo, as before 0015
    assert "photo_sent_at" not in columns and rows == 2


def test_0016_adds_the_match_notices_table_and_downgrades(empty_database: str) -> None:
    upgrade(empty_database, "0016")
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("matchnotice")}
    command.downgrade(alembic_config(empty_database), "0015")
    with engine.connect() as connection:
        left = sa.inspect(connection).has_table("matchnotice")
    engine.dispose()
    assert columns == {"id", "report_id", "case_id", "chat_id", "message_id", "text", "created_at"}
    assert not left
