"""Worker throughput: `homeward worker --burst` on the follow-up jobs the interviews queued."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from bench.servers import Stack
from triage import QUEUE_NAME

__all__ = ["WorkerRun", "run_worker"]


@dataclass(frozen=True)
class WorkerRun:
    """Jobs done by one burst worker, and how fast."""

    queued: int
    finished: int
    failed: int
    per_second: float  # first job started → last job ended
    wall: float  # process start → exit, start-up and the initial sweep included


def run_worker(stack: Stack, log: Path, *, timeout: float = 600) -> WorkerRun:
    """Run one burst worker over the queue and read the job timings from rq's registries."""
    connection = redis.Redis.from_url(stack.redis_url)
    try:
        queue = Queue(QUEUE_NAME, connection=connection)
        queued = queue.count
        started = time.monotonic()
        with log.open("ab") as out:
            subprocess.run(
                [sys.executable, "-m", "bot", "worker", "--burst"],
                env=stack.env(),
                stdout=out,
                stderr=out,
                timeout=timeout,
                check=False,
            )
        wall = time.monotonic() - started
        ids = FinishedJobRegistry(queue=queue).get_job_ids()
        jobs = [j for j in Job.fetch_many(ids, connection=connection) if j is not None]
        starts = [j.started_at for j in jobs if j.started_at]
        ends = [j.ended_at for j in jobs if j.ended_at]
        busy = (max(ends) - min(starts)).total_seconds() if starts and ends else 0.0
        failed = FailedJobRegistry(queue=queue).count
    finally:
        connection.close()
    rate = len(jobs) / busy if busy else 0.0
    print(f"  worker: {len(jobs)} of {queued} jobs done at {rate:.0f}/s, {failed} failed")
    return WorkerRun(queued, len(jobs), failed, rate, wall)
