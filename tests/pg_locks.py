"""Watching PostgreSQL's row locks from a test: who holds one, and whether anyone waits."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from storage import OutboxItem
from triage.queue import job_id

__all__ = [
    "backend_pid",
    "hold_outbox_row",
    "someone_waits_for",
    "wait_until_someone_waits_for",
]


def backend_pid(connection: Connection | Session) -> int:
    """The server process behind a connection or session (its transaction's locks)."""
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def someone_waits_for(engine: Engine, holder: int) -> bool:
    """True while another connection waits for a lock that server process holds."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"
            ),
            {"holder": holder},
        ).scalar_one()
    return bool(waiting)


def wait_until_someone_waits_for(engine: Engine, holder: int, what: str, timeout: float) -> None:
    """Block until another connection waits for `holder`'s lock; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not someone_waits_for(engine, holder):
        assert time.monotonic() < deadline, f"{what} never reached the locked row"
        time.sleep(0.02)


def hold_outbox_row(engine: Engine, queued_job_id: str) -> tuple[Session, int]:
    """Lock the outbox row that job claims first; the session and its server process id."""
    session = Session(engine)
    [item] = [i for i in session.exec(select(OutboxItem)).all() if job_id(i) == queued_job_id]
    session.exec(select(OutboxItem).where(OutboxItem.id == item.id).with_for_update()).one()
    return session, backend_pid(session)
