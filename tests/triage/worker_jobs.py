"""Jobs for the worker's own tests: importable functions, as rq needs them."""

from __future__ import annotations

import contextlib
import os
import time

from rq.timeouts import JobTimeoutException
from sqlalchemy import text

from triage import runtime


def where_it_ran() -> tuple[int, int]:
    """The process id, and which engine object the runtime gave this job (used once)."""
    engine = runtime.current().engine
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return os.getpid(), id(engine)


def sleep_for(seconds: float) -> str:
    """Sleep in Python (a timeout's SIGALRM interrupts it)."""
    time.sleep(seconds)
    return "slept"


def sleep_in_postgres(seconds: float) -> str:
    """Wait inside a PostgreSQL statement, through the runtime's engine."""
    with runtime.current().engine.connect() as connection:
        connection.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
    return "slept"


def ask_postgres() -> int:
    """One query through the runtime's engine."""
    with runtime.current().engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def outlive_timeout(seconds: float) -> str:
    """Keep going past the timeout, as code stuck where the signal can't reach it would."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(JobTimeoutException):
            time.sleep(0.05)
    return "outlived"
