"""Alembic environment: runs migrations against the URL given in the config."""

from typing import Any

from alembic import context
from sqlalchemy import event, pool
from sqlmodel import SQLModel

import storage.alert_models  # noqa: F401
import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import storage.registry_models  # noqa: F401
import storage.workflow_models  # noqa: F401
from storage.db import make_engine
from storage.models import UTCDateTime

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC-aware datetime type as the plain column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL without a database connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        # SQLite's advice for schema changes: foreign keys off. Batch mode rebuilds a table by
        # dropping the old one, and with them on, that deletes every row that refers to it
        # (ON DELETE CASCADE: a report's events, attachments and outbox items).
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=OFF"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
