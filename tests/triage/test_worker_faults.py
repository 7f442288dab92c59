"""Killing the worker and its work-horse mid-job loses no follow-up: Retry or the sweeper."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psutil
from sqlalchemy import func
from sqlmodel import Session, select

from storage import OutboxItem, ReportEvent, utcnow
from tests.conftest import REDIS_URL
from tests.stories import Tipster
from triage import requeue_due


def quick_report(tipster: Tipster) -> None:
    for step in ("/start", "4", "1", "Wuhan", "1", "details", "1", "1", "1"):
        tipster.says(step)
    assert "Reference code" in tipster.text


def done_count(engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).where(OutboxItem.status == "done")).one())


def kill_tree(process: subprocess.Popen[bytes]) -> int:
    """SIGKILL the worker and every descendant (the work-horse runs in its own group)."""
    parent = psutil.Process(process.pid)
    victims = [parent, *parent.children(recursive=True)]
    for victim in victims:
        try:
            victim.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    process.wait()
    return len(victims)


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

    for round_ in range(2):
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        target = done_count(engine) + 5
        deadline = time.monotonic() + 60
        while done_count(engine) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        killed = kill_tree(worker)
        assert killed >= 1, round_
    assert done_count(engine) < total  # the kills really interrupted the work

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
