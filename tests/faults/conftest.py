"""Fixtures of the fault suite: real `homeward serve` / `homeward worker` processes on the test
database and Redis, a fake Bot API with trip wires, and a reference run to compare against.

Set HOMEWARD_LONG_FAULTS=1 for the long variants (more kills, every step restarted, more
fuzzing); the default run keeps the suite within a few minutes on a 2-core machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from rq import Queue
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, select

from handlers import Intake
from storage import FieldCipher, Report, make_engine, upgrade
from tests.bot.telegram_helpers import (
    SECRET,
    WEBHOOK_BASE,
    conversation_state,
    make_services,
    running_bot,
    telegram_settings,
)
from tests.conftest import REDIS_URL
from tests.fakes.telegram_api import FakeTelegram
from tests.faults.processes import Processes
from tests.faults.scripts import Action, comparable_state, tip_of
from tests.faults.telegram_side import (
    TipsterPlayer,
    TrippingTelegram,
    Webhook,
    play_all,
    players_for,
)

LONG = os.environ.get("HOMEWARD_LONG_FAULTS") == "1"


@pytest.fixture
def fake() -> Iterator[TrippingTelegram]:
    """The fake Bot API the web processes talk to."""
    with TrippingTelegram() as server:
        yield server


def deployment_env(
    fake: FakeTelegram, database_url: str, secret_key: str, data_dir: Path
) -> dict[str, str]:
    """The environment of a deployment: its database, Redis and bot (on the fake Bot API)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        HOMEWARD_SECRET_KEY=secret_key,
        HOMEWARD_DATA_DIR=str(data_dir / "data"),
        LOG_LEVEL="INFO",
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_WEBHOOK_URL=WEBHOOK_BASE,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    return env


@pytest.fixture
def env(
    fake: TrippingTelegram,
    database_url: str,
    secret_key: str,
    data_dir: Path,
    engine: Engine,  # empties the test database first
    redis_client: redis.Redis,  # and flushes the test Redis
) -> dict[str, str]:
    """A deployment on the test database and Redis."""
    return deployment_env(fake, database_url, secret_key, data_dir)


@pytest.fixture
def processes(env: dict[str, str], data_dir: Path, fake: TrippingTelegram) -> Iterator[Processes]:
    """Start processes through this; whatever still runs at the end is killed."""
    group = Processes(env, data_dir, fake)
    try:
        yield group
    finally:
        group.kill_all()


def webhook_path(fake: FakeTelegram) -> str:
    """The webhook path the web processes registered with (the fake) Telegram."""
    url = str(fake.calls("setWebhook")[0].params["url"])
    return url.removeprefix(WEBHOOK_BASE)


@dataclass(frozen=True)
class Finished:
    """Where one chat ended: the report it filed, its stored state, and what it was told."""

    tip: dict[str, Any] | None
    ref: str | None
    state: dict[str, Any]
    seen: list[str]


def finished(player: TipsterPlayer, engine: Engine, cipher: FieldCipher) -> Finished:
    """The outcome of a chat (its report found by the tipster's blind index)."""
    key = cipher.blind_index(f"telegram:{player.chat_id}")
    with Session(engine) as session:
        reports = list(session.exec(select(Report).where(Report.tipster_key == key)))
    assert len(reports) <= 1, f"chat {player.chat_id} filed {len(reports)} reports"
    tip = tip_of(reports[0], cipher) if reports else None
    ref = reports[0].ref if reports else None
    state = comparable_state(conversation_state(engine, cipher, player.chat_id))
    return Finished(tip, ref, state, player.seen)


Reference = Callable[[list[list[Action]]], list[Finished]]


@pytest.fixture(scope="session")
def reference_engine(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database of the same kind as the test database, for the reference runs only.

    Apart, so that a web process starting meanwhile doesn't take the reference's updates
    for ones a dead process left (as it should with any update of the test database).
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        reference_url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.db'}"
    else:
        name = f"homeward_reference_{uuid.uuid4().hex[:10]}"
        _admin(database_url, f'CREATE DATABASE "{name}"')
        reference_url = url.set(database=name).render_as_string(hide_password=False)
    upgrade(reference_url)
    reference = make_engine(reference_url)
    yield reference
    reference.dispose()
    if url.get_backend_name() != "sqlite":
        _admin(database_url, f'DROP DATABASE IF EXISTS "{make_url(reference_url).database}"')


def _admin(database_url: str, statement: str) -> None:
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def reference(
    reference_engine: Engine, cipher: FieldCipher, redis_client: redis.Redis, queue: Queue
) -> Reference:
    """Play scripts uninterrupted through the in-process web app: what every chat should end as."""

    def run(scripts: list[list[Action]]) -> list[Finished]:
        engine = reference_engine
        emptied(engine)
        intake = Intake(engine=engine, cipher=cipher)  # nothing queued: no follow-up here
        with TrippingTelegram() as fake:
            settings = telegram_settings(fake)
            svc = make_services(
                settings,
                engine=engine,
                cipher=cipher,
                redis_client=redis_client,
                queue=queue,
                intake=intake,
            )
            with running_bot(svc, fake) as bot:
                webhook = Webhook(bot.channel.config.webhook_path, client=bot.client)
                webhook.up(0, "http://testserver")
                players = players_for(scripts, fake, webhook, engine)
                play_all(players, lambda p: None)
                bot.settle()
            return [finished(p, engine, cipher) for p in players]

    return run


def emptied(engine: Engine) -> None:
    """Delete every row of every table."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
