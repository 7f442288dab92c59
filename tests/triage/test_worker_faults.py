"""Killing the worker mid-job (jobs run in its process) loses no follow-up: the sweeper."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from rq import Queue
from rq.registry import StartedJobRegistry
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import OutboxItem, ReportEvent, utcnow
from tests.conftest import REDIS_URL
from tests.pg_locks import hold_outbox_row, someone_waits_for
from tests.stories import Tipster
from triage import requeue_due


def quick_report(tipster: Tipster) -> None:
    for step in ("/start", "4", "1", "Wuhan", "A", "details", "1", "1", "1"):
        tipster.says(step)
    assert "Reference code" in tipster.text


def done_count(engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).where(OutboxItem.status == "done")).one())


def kill_tree(process: subprocess.Popen[bytes]) -> int:
    """SIGKILL the worker and every descendant (a work-horse would run in its own group)."""
    parent = psutil.Process(process.pid)
    victims = [parent, *parent.children(recursive=True)]
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.send_signal(signal.SIGKILL)
    process.wait()
    return len(victims)


def kill_mid_job(
    start_worker: Callable[[], subprocess.Popen[bytes]], engine: Engine, queue: Queue
) -> str:
    """Start a worker and kill it while the fifth job in the queue waits inside its
    transaction (the row is locked before the worker starts, however fast it is)."""
    victim = queue.job_ids[4]
    lock, holder = hold_outbox_row(engine, victim)
    try:
        worker = start_worker()
        deadline = time.monotonic() + 60
        while not (
            victim in StartedJobRegistry(queue=queue).get_job_ids()
            and someone_waits_for(engine, holder)
        ):
            assert time.monotonic() < deadline, "the worker never reached the locked job"
            time.sleep(0.02)
        assert kill_tree(worker) >= 1
    finally:
        lock.close()  # its rollback lets the killed job's server process end
    return victim


@pytest.mark.usefixtures("postgresql")
def test_killed_workers_lose_nothing(intake, engine, queue, database_url, tmp_path: Path):
    for n in range(40):
        quick_report(Tipster(intake, user_id=f"t{n}", language_hint="en"))
    total = 80  # a follow-up and an assessment per report
    assert queue.count == total
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }

    def start_worker() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "bot", "worker"]
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    for round_ in range(2):
        victim = kill_mid_job(start_worker, engine, queue)
        # rq still has it running, and its work was never committed: only recovery finishes it.
        assert victim in StartedJobRegistry(queue=queue).get_job_ids(), round_
        assert done_count(engine) == 4 * (round_ + 1), round_

    # Later (past the sweeper's patience) a new worker and the sweeper finish everything.
    assert requeue_due(engine, queue, now=utcnow() + timedelta(minutes=11)) > 0
    finish = subprocess.run(
        [sys.executable, "-m", "bot", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finish.returncode == 0, finish.stderr
    assert done_count(engine) == total
    with Session(engine) as session:
        for action in ("queued_for_review", "assessed"):
            counts = session.exec(
                select(ReportEvent.report_id, func.count())
                .where(ReportEvent.action == action)
                .group_by(ReportEvent.report_id)
            ).all()
            assert len(counts) == 40 and {c for _, c in counts} == {1}, action
