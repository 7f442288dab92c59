"""Engine, sessions and migrations: SQLite for a local trial, PostgreSQL in production."""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["is_sqlite", "make_engine", "session_scope", "upgrade"]

# A connection back in the pool this recently is not pinged when next taken out (HikariCP's
# aliveBypassWindowMs is 500 ms too): it was alive a moment ago, and the ping is a round trip.
PING_AFTER_IDLE = 0.5


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; busy_timeout waits instead of failing when
    # another process (the worker) holds the write lock; foreign keys are off by default.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so read-then-write transactions in two
    # processes serialise instead of failing with "database is locked" on upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for a database URL with the settings Homeward relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if "poolclass" not in kwargs:
        # Room for the web process's threads (WeChat's intake, the Telegram channel's
        # workers) without opening and closing an overflow connection for each of them.
        kwargs.setdefault("pool_size", 12)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    _ping_only_idle(engine)
    return engine


def _ping_only_idle(engine: Engine) -> None:
    """Pre-ping only connections idle for over PING_AFTER_IDLE seconds.

    The ping was a round trip and ~10% of the interview's transaction (each Telegram and
    WeChat update checks a connection out). A server gone since finds the connection
    broken at its first statement instead: SQLAlchemy then discards it and the pool's older
    connections, as a failed ping does, and the intake tries its transaction again.
    """
    returned: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
    ping = engine.dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        at = returned.get(dbapi_connection)
        if at is not None and time.monotonic() - at < PING_AFTER_IDLE:
            return True
        return ping(dbapi_connection)

    def checkin(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:  # None: it was discarded
            returned[dbapi_connection] = time.monotonic()

    engine.dialect.do_ping = do_ping  # type: ignore[method-assign]
    event.listen(engine, "checkin", checkin)


def open_connections(engine: Engine, count: int) -> None:
    """Open `count` pooled connections now, so a burst of first messages doesn't wait while
    each thread makes its own."""
    connections = [engine.connect() for _ in range(count)]
    for connection in connections:
        connection.close()  # back to the pool, still open


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config  # imported here: only migrations need Alembic

    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema up to a revision (by default the newest)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
