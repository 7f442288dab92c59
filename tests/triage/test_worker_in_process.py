"""`homeward worker` runs jobs in its own process: one engine, timeouts kept, hangs not forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from bot import worker as bot_worker
from bot.worker import WORK_HORSE_JOBS, Worker
from tests.conftest import REDIS_URL
from tests.triage.worker_jobs import (
    ask_postgres,
    outlive_timeout,
    sleep_for,
    sleep_in_postgres,
    where_it_ran,
)
from triage import QUEUE_NAME, Runtime, configure
from triage.media import fetch_attachment

# A worker whose watchdog gives a job one second past its timeout instead of sixty.
IMPATIENT_WORKER = """
import sys
import redis
from rq import Queue
import bot.worker
bot.worker.HUNG_JOB_GRACE = 1
connection = redis.Redis.from_url(sys.argv[1])
bot.worker.Worker([Queue(sys.argv[2], connection=connection)], connection=connection).work(burst=True)
"""


@pytest.fixture
def job_runtime(database_url: str) -> Iterator[Runtime]:
    """Jobs in this process (and any work-horse) use the test database."""
    runtime = Runtime(database_url=database_url)
    configure(runtime)
    yield runtime
    runtime.engine.dispose()


def work(queue: Queue) -> None:
    Worker([queue], connection=queue.connection).work(burst=True)


def test_jobs_run_in_the_worker_process_on_one_engine(queue, job_runtime):
    first, second = queue.enqueue(where_it_ran), queue.enqueue(where_it_ran)
    work(queue)
    assert first.return_value() == second.return_value()
    assert first.return_value()[0] == os.getpid()


def test_media_downloads_still_get_a_work_horse_of_their_own(queue, job_runtime, monkeypatch):
    download = Job.create(fetch_attachment, args=(1,), connection=queue.connection)
    assert download.func_name in WORK_HORSE_JOBS
    as_a_download = WORK_HORSE_JOBS | {f"{where_it_ran.__module__}.{where_it_ran.__qualname__}"}
    monkeypatch.setattr(bot_worker, "WORK_HORSE_JOBS", as_a_download)
    before = queue.enqueue(ask_postgres)  # leaves a connection in this process's pool
    horse = queue.enqueue(where_it_ran)
    after = queue.enqueue(ask_postgres)
    work(queue)
    assert before.return_value() == 1
    assert horse.return_value()[0] != os.getpid()  # a work-horse, with a pool of its own
    assert after.return_value() == 1  # the work-horse left this process's connections alone


@pytest.mark.usefixtures("postgresql")  # a job stuck inside pg_sleep
def test_a_job_past_its_timeout_fails_and_the_next_one_runs(queue, job_runtime):
    in_python = queue.enqueue(sleep_for, 30, job_timeout=1)
    in_postgres = queue.enqueue(sleep_in_postgres, 20, job_timeout=1)
    after = queue.enqueue(ask_postgres)
    started = time.monotonic()
    work(queue)
    assert time.monotonic() - started < 15
    for job in (in_python, in_postgres):
        assert job.get_status() == JobStatus.FAILED
        assert "JobTimeoutException" in (job.latest_result().exc_string or "")
    assert after.return_value() == 1  # the engine got over the interrupted statement


def test_a_job_that_ignores_its_timeout_takes_the_worker_down_and_runs_again(queue):
    job = queue.enqueue(outlive_timeout, 60, job_timeout=1, retry=Retry(max=1))
    finished = subprocess.run(
        [sys.executable, "-c", IMPATIENT_WORKER, REDIS_URL, QUEUE_NAME],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == -signal.SIGKILL, finished.stderr
    assert f"job {job.id} ignored its timeout" in finished.stderr
    registry = StartedJobRegistry(queue=queue)
    assert job.id in registry.get_job_ids()  # left "started" by the killed worker
    # rq's clean-up of abandoned jobs (once their time is up) queues it again, by its Retry.
    registry.cleanup(timestamp=time.time() + 3600)
    assert job.get_status() == JobStatus.QUEUED
