"""The worker process: an rq worker on the report queue, with the sweeper beside it."""

from __future__ import annotations

import logging
import threading

from rq import Worker

from bot.wiring import Services
from triage import Runtime, configure, sweep

__all__ = ["run_worker", "run_sweep"]

log = logging.getLogger(__name__)


def run_sweep(svc: Services) -> None:
    """Run the sweeper once."""
    sweep(svc.engine, svc.queue, draft_ttl=svc.settings.interview().draft_ttl)


def _sweep_forever(svc: Services, stop: threading.Event) -> None:
    while not stop.wait(svc.settings.sweep_interval_seconds):
        try:
            run_sweep(svc)
        except Exception:  # keep sweeping after a database or Redis hiccup
            log.exception("sweep failed; trying again next interval")


def run_worker(svc: Services, *, burst: bool) -> None:
    """Work the queue (until empty with `burst`), sweeping first and then periodically."""
    configure(Runtime(database_url=svc.settings.database()))
    run_sweep(svc)
    stop = threading.Event()
    sweeper = threading.Thread(target=_sweep_forever, args=(svc, stop), daemon=True)
    if not burst:
        sweeper.start()
    try:
        Worker([svc.queue], connection=svc.redis).work(burst=burst, with_scheduler=not burst)
    finally:
        stop.set()
