"""The worker process: an rq worker on the report queue, with the sweeper beside it."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import rq
from rq.defaults import DEFAULT_WORKER_TTL
from rq.job import Job
from rq.worker import WorkerStatus
from sqlalchemy.engine import Engine

from bot.alert_wiring import alert_queue, configure_alerts, resume_alerts
from bot.wiring import Services
from storage import Channel, session_scope
from triage import Retention, Runtime, configure, sweep
from triage.media import MediaFetcher, fetch_attachment
from triage.registry_index import warm_registry

__all__ = [
    "HUNG_JOB_GRACE",
    "WORK_HORSE_JOBS",
    "Worker",
    "run_jobs_after_each_report",
    "run_sweep",
    "run_worker",
    "warm_up_registry",
    "worker_runtime",
]

log = logging.getLogger(__name__)
# Jobs that still get a forked work-horse each: they decode untrusted files of up to
# MAX_MEDIA_BYTES, so a crash or a burst of memory there must not take the worker with it.
WORK_HORSE_JOBS = frozenset({f"{fetch_attachment.__module__}.{fetch_attachment.__qualname__}"})
# Seconds past its timeout before a job that ignores the timeout's SIGALRM takes the worker
# down (rq gives a forked work-horse the same 60 s before its SIGKILL).
HUNG_JOB_GRACE = 60


class Worker(rq.Worker):
    """rq's worker, running jobs in its own process: one engine and its connections for all.

    A work-horse per job (rq's default) cost every job a fork and a new PostgreSQL connection
    whose server process starts cold: a follow-up took 31–37 ms in one, 4–5 ms here. A job's
    timeout is still rq's SIGALRM, in this thread. A job killed with the process (or hung past
    HUNG_JOB_GRACE, which kills it) stays "started" in rq and runs again by its Retry or the
    sweeper, as one lost with a killed work-horse did.
    """

    def execute_job(self, job: Job, queue: rq.Queue) -> None:
        """Run the job here, as rq's SimpleWorker does; those in WORK_HORSE_JOBS in a fork."""
        if job.func_name in WORK_HORSE_JOBS:
            super().execute_job(job, queue)
            return
        with _kill_if_hung(job):
            self.prepare_execution(job)
            self.perform_job(job, queue)
        self.set_state(WorkerStatus.IDLE)

    def get_heartbeat_ttl(self, job: Job) -> int:
        """Nothing renews an in-process job's heartbeat while it runs: make it outlast the job."""
        if job.func_name in WORK_HORSE_JOBS:
            return super().get_heartbeat_ttl(job)
        if job.timeout == -1:  # no timeout: as rq's SimpleWorker
            return DEFAULT_WORKER_TTL
        return int(job.timeout or rq.Queue.DEFAULT_TIMEOUT) + 60


@contextmanager
def _kill_if_hung(job: Job) -> Iterator[None]:
    """Kill this process if the job runs HUNG_JOB_GRACE past its timeout (stuck out of reach)."""
    timeout = job.timeout or rq.Queue.DEFAULT_TIMEOUT
    if timeout == -1:  # no timeout for this job
        yield
        return
    watchdog = threading.Timer(timeout + HUNG_JOB_GRACE, _die, args=(job.id,))
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()


def _die(job_id: str) -> None:
    # A restarted worker is better than one stuck for good: the job will be run again.
    log.critical("job %s ignored its timeout; killing the worker", job_id)
    os.kill(os.getpid(), signal.SIGKILL)


def run_sweep(svc: Services) -> None:
    """Run the sweeper once."""
    settings = svc.settings
    retention = Retention(
        closed_reports=timedelta(days=settings.retention_closed_days),
        attachments=timedelta(days=settings.retention_attachment_days),
        receipt_pins=timedelta(minutes=settings.receipt_pin_minutes),
    )
    sweep(
        svc.engine,
        svc.queue,
        draft_ttl=settings.interview().draft_ttl,
        retention=retention,
        cipher=svc.cipher,
        escalate_after=timedelta(minutes=settings.imminent_escalate_minutes),
    )
    resume_alerts(svc)


def _sweep_forever(svc: Services, stop: threading.Event) -> None:
    while not stop.wait(svc.settings.sweep_interval_seconds):
        try:
            run_sweep(svc)
        except Exception:  # keep sweeping after a database or Redis hiccup
            log.exception("sweep failed; trying again next interval")


def _fetchers(svc: Services) -> dict[str, MediaFetcher]:
    """Media downloaders of the configured channels, by channel name."""
    fetchers: dict[str, MediaFetcher] = {}
    if svc.settings.wechat_token:
        from bot.wechat import wechat_fetcher

        fetchers[Channel.WECHAT] = wechat_fetcher(svc)
    if svc.settings.telegram_bot_token:
        from bot.telegram import telegram_fetcher

        fetchers[Channel.TELEGRAM] = telegram_fetcher(svc.settings)
    return fetchers


def worker_runtime(svc: Services) -> Runtime:
    """The jobs' runtime: media fetchers, and on Telegram the coordinators' group and relay."""
    runtime = Runtime(
        database_url=svc.settings.database(),
        fetchers=_fetchers(svc),
        cipher=svc.cipher,
        media_dir=str(svc.settings.homeward_data_dir / "media"),
        max_media_bytes=svc.settings.max_media_bytes,
        match_notify_score=svc.settings.match_notify_score,
        imminent_escalate_minutes=svc.settings.imminent_escalate_minutes,
        interview=svc.settings.interview(),
        queue=svc.queue,
    )
    configure_alerts(svc)
    if svc.settings.wechat_token:
        from bot.wechat import wechat_relay_sender

        runtime.senders[Channel.WECHAT] = wechat_relay_sender(svc)
    if svc.settings.telegram_bot_token:
        from bot.telegram.coordinators import telegram_worker

        notifier, runtime.senders[Channel.TELEGRAM] = telegram_worker(svc)
        if notifier is not None:  # COORDINATOR_CHAT_ID is set
            runtime.notifier = notifier
    return runtime


def run_jobs_after_each_report(svc: Services) -> None:
    """Work the queue in this process after each report: the zero-config trial (`homeward
    chat` on the embedded defaults) has no worker beside it, and a tip must still be scored."""
    configure(worker_runtime(svc))
    dispatch = svc.intake.after_submit

    def after_submit(report_id: int) -> None:
        if dispatch is not None:
            dispatch(report_id)
        # rq's worker installs its own Ctrl-C handler: the conversation gets its own back.
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            Worker([svc.queue], connection=svc.redis).work(
                burst=True, with_scheduler=False, logging_level="WARNING"
            )
        except Exception:  # the report is stored and queued: `homeward worker` will do it
            log.exception("report %s: jobs not run now; `homeward worker` runs them", report_id)
        finally:
            for sig, handler in handlers.items():
                if handler is not None:
                    signal.signal(sig, handler)

    svc.intake.after_submit = after_submit


def warm_up_registry(engine: Engine) -> None:
    """Build the registry's matching index now, not on the first tip (a thread may call this)."""
    try:
        with session_scope(engine) as session:
            warm_registry(engine).matcher(session)
    except Exception:  # the first match builds it instead
        log.exception("could not build the registry index at start-up")


def run_worker(svc: Services, *, burst: bool) -> None:
    """Work the queue (until empty with `burst`), sweeping first and then periodically."""
    runtime = worker_runtime(svc)
    configure(runtime)
    threading.Thread(target=warm_up_registry, args=(runtime.engine,), daemon=True).start()
    run_sweep(svc)
    stop = threading.Event()
    sweeper = threading.Thread(target=_sweep_forever, args=(svc, stop), daemon=True)
    if not burst:
        sweeper.start()
    try:
        worker = Worker([svc.queue, alert_queue(svc)], connection=svc.redis)  # reports first
        # rq sets its own logger to INFO unless told: keep it at LOG_LEVEL like the rest.
        worker.work(
            burst=burst, with_scheduler=not burst, logging_level=svc.settings.log_level.upper()
        )
    finally:
        stop.set()
        if svc.settings.telegram_bot_token:
            from bot.telegram.connection import close_bot_api_client

            close_bot_api_client()  # the jobs' kept connection to the Bot API
