"""The worker process: an rq worker on the report queue, with the sweeper beside it."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from rq import Worker

from bot.wiring import Services
from triage import Retention, Runtime, configure, sweep
from triage.media import MediaFetcher

__all__ = ["run_sweep", "run_worker", "worker_runtime"]

log = logging.getLogger(__name__)


def run_sweep(svc: Services) -> None:
    """Run the sweeper once."""
    settings = svc.settings
    retention = Retention(
        closed_reports=timedelta(days=settings.retention_closed_days),
        attachments=timedelta(days=settings.retention_attachment_days),
    )
    sweep(svc.engine, svc.queue, draft_ttl=settings.interview().draft_ttl, retention=retention)


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
        from bot.wechat import configure_worker

        fetchers["wechat"] = configure_worker(svc)
    if svc.settings.telegram_bot_token:
        from bot.telegram import telegram_fetcher

        fetchers["telegram"] = telegram_fetcher(svc.settings)
    return fetchers


def worker_runtime(svc: Services) -> Runtime:
    """The jobs' runtime: media fetchers, and on Telegram the coordinators' group and relay."""
    runtime = Runtime(
        database_url=svc.settings.database(),
        fetchers=_fetchers(svc),
        cipher=svc.cipher,
        media_dir=str(svc.settings.homeward_data_dir / "media"),
        max_media_bytes=svc.settings.max_media_bytes,
    )
    if svc.settings.wechat_token:
        from bot.wechat import wechat_relay_sender

        runtime.senders["wechat"] = wechat_relay_sender(svc)
    if svc.settings.telegram_bot_token:
        from bot.telegram.coordinators import telegram_worker

        notifier, runtime.senders["telegram"] = telegram_worker(svc)
        if notifier is not None:  # COORDINATOR_CHAT_ID is set
            runtime.notifier = notifier
    return runtime


def run_worker(svc: Services, *, burst: bool) -> None:
    """Work the queue (until empty with `burst`), sweeping first and then periodically."""
    configure(worker_runtime(svc))
    run_sweep(svc)
    stop = threading.Event()
    sweeper = threading.Thread(target=_sweep_forever, args=(svc, stop), daemon=True)
    if not burst:
        sweeper.start()
    try:
        Worker([svc.queue], connection=svc.redis).work(burst=burst, with_scheduler=not burst)
    finally:
        stop.set()
