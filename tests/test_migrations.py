"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage  # noqa: F401  (every table registered)
from storage import upgrade


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
