"""Connections opened ahead of a burst stay in the pool for the threads that need them."""

from __future__ import annotations

from sqlalchemy.pool import QueuePool

from storage import make_engine
from storage.db import open_connections


def test_connections_opened_at_start_wait_in_the_pool(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        open_connections(engine, 5)

        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.checkedin() == 5 and engine.pool.checkedout() == 0
    finally:
        engine.dispose()
