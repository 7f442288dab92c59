"""Shared fixtures: a real database (PostgreSQL in CI, else SQLite) and a real Redis.

HOMEWARD_TEST_DATABASE_URL points at a PostgreSQL server (any database on it); the suite
creates its own database there, migrates it with Alembic and truncates it between tests.
HOMEWARD_TEST_REDIS_URL points at a Redis server whose database is flushed per test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from rq import Queue
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from handlers import Intake, InterviewConfig
from storage import FieldCipher, generate_key, make_engine, upgrade
from tests.bot.wechat_helpers import WeChatWorld, world_for
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory
from tests.stories import Tipster
from triage import QUEUE_NAME
from triage.queue import queued_intake

REDIS_URL = os.environ.get("HOMEWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _create_pg_database(admin_url: str) -> tuple[str, str]:
    url = make_url(admin_url)
    name = f"homeward_test_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False), conninfo


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test run."""
    admin_url = os.environ.get("HOMEWARD_TEST_DATABASE_URL")
    if not admin_url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'homeward.db'}"
        upgrade(url)
        yield url
        return
    url, conninfo = _create_pg_database(admin_url)
    upgrade(url)
    yield url
    name = make_url(url).database
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgresql(database_url: str) -> None:
    """For a test of PostgreSQL's own behaviour (row locks seen from another connection,
    pg_sleep): skipped when the suite runs on SQLite; CI runs it on PostgreSQL."""
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL: set HOMEWARD_TEST_DATABASE_URL (CI does)")


@pytest.fixture(scope="session")
def _engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_engine: Engine) -> Engine:
    """The test database, emptied before each test."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with _engine.begin() as conn:
        if _engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
    return _engine


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """A real Redis database, flushed before and after each test."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def queue(redis_client: redis.Redis) -> Queue:
    """The report queue on the test Redis."""
    return Queue(QUEUE_NAME, connection=redis_client)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fake Telegram Bot API server on 127.0.0.1 (the fault suite has a tripping one)."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def updates() -> UpdateFactory:
    """Updates as Telegram sends them."""
    return UpdateFactory()


@pytest.fixture(scope="session")
def secret_key() -> str:
    """One master key for the run."""
    return generate_key()


@pytest.fixture
def cipher(secret_key: str) -> FieldCipher:
    """The field cipher under the run's key."""
    return FieldCipher(secret_key)


@pytest.fixture
def config() -> InterviewConfig:
    """Interview settings as a deployment in China would have them."""
    return InterviewConfig()


@pytest.fixture
def intake(engine: Engine, cipher: FieldCipher, config: InterviewConfig, queue: Queue) -> Intake:
    """The intake service on the test database, queueing to the test Redis."""
    return queued_intake(engine=engine, cipher=cipher, config=config, queue=queue)


@pytest.fixture
def tipster(intake: Intake) -> Tipster:
    """A member of the public talking to Homeward in Chinese."""
    return Tipster(intake, language_hint="zh-hans")


@pytest.fixture
def english_tipster(intake: Intake) -> Tipster:
    """A member of the public talking to Homeward in English."""
    return Tipster(intake, user_id="tipster-en", language_hint="en")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private working directory for processes a test starts."""
    return tmp_path


@pytest.fixture(params=["safe", "plaintext"])
def world(
    request: pytest.FixtureRequest,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    database_url: str,
    secret_key: str,
    tmp_path: Path,
) -> Iterator[WeChatWorld]:
    """The app for one WeChat Official Account, in safe mode or plaintext mode.

    A module can keep to one mode with
    `pytestmark = pytest.mark.parametrize("world", ["safe"], indirect=True)`.
    """
    with world_for(
        request,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        database_url=database_url,
        secret_key=secret_key,
        data_dir=tmp_path,
    ) as w:
        yield w
