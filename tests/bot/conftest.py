"""Fixtures of the Telegram tests: the fake Bot API, updates as Telegram builds them, and a
running bot on the webhook. A test module overrides `svc` or `bot` to set the bot up
otherwise (a coordinators' group, polling, other options)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue
from sqlalchemy.engine import Engine

from bot.wiring import Services
from handlers import Intake
from storage import FieldCipher
from tests.bot.dashboard_helpers import settings_for
from tests.bot.telegram_helpers import RunningBot, make_services, running_bot, telegram_settings
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def svc(
    fake: FakeTelegram,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> Services:
    """A web process's services for a bot on the fake Bot API, with a webhook."""
    settings = telegram_settings(fake)
    return make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip


@pytest.fixture
def dashboard_svc(
    database_url: str,
    secret_key: str,
    data_dir: Path,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> Services:
    """A web process's services with no messaging channel (the dashboard and health checks)."""
    settings = settings_for(database_url, secret_key, data_dir)
    return make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip


@pytest.fixture
def bot(svc: Services, fake: FakeTelegram) -> Iterator[RunningBot]:
    with running_bot(svc, fake) as running:
        yield running
