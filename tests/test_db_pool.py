"""Connections opened ahead of a burst stay in the pool for the threads that need them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from storage import make_engine
from storage.db import PING_AFTER_IDLE, open_connections


def test_connections_opened_at_start_wait_in_the_pool(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        open_connections(engine, 5)

        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.checkedin() == 5 and engine.pool.checkedout() == 0
    finally:
        engine.dispose()


@pytest.fixture
def killer(database_url: str) -> Iterator[tuple[Engine, Callable[[], None]]]:
    """An engine, and a way to kill the connection it pooled last (PostgreSQL only)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("pre-ping matters for a server that can go away")
    engine, admin = make_engine(database_url), make_engine(database_url)

    def kill() -> None:
        with engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid or 0)})")

    yield engine, kill
    engine.dispose()
    admin.dispose()


def test_an_idle_connection_is_pinged_and_replaced_if_gone(
    killer: tuple[Engine, Callable[[], None]],
) -> None:
    engine, kill = killer
    kill()
    time.sleep(PING_AFTER_IDLE + 0.1)
    with engine.connect() as connection:  # the ping found it gone: a fresh one
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1


def test_a_connection_back_a_moment_ago_is_not_pinged(
    killer: tuple[Engine, Callable[[], None]],
) -> None:
    engine, kill = killer
    kill()
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")  # gone within the window: its first use fails
    with engine.connect() as connection:  # and the pool was renewed
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
