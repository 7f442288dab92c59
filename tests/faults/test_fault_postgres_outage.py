"""PostgreSQL stops under traffic: the webhook answers 503 (Telegram will send the update
again) instead of acknowledging what it could not store; once the database is back, every
update is stored and answered, in order, once.

The test runs its own PostgreSQL server (never the shared one), migrated by
`homeward db upgrade`, and crashes it with `pg_ctl stop -m immediate`.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import Conversation, FieldCipher, make_engine
from tests.faults.conftest import Reference, deployment_env, finished, webhook_path
from tests.faults.private_postgres import POSTGRES_BIN, PrivatePostgres
from tests.faults.processes import START, Processes
from tests.faults.scripts import SIGHTINGS, Action
from tests.faults.telegram_side import (
    ANSWER_WAIT,
    TrippingTelegram,
    Webhook,
    play_all,
    players_for,
    wait_processed,
)
from tests.faults.test_fault_kill_replay import assert_each_update_took_effect_once
from tests.pg_locks import backend_pid, wait_until_someone_waits_for

BEFORE_OUTAGE = 6  # steps each tapping tipster takes while the database is up
REFUSALS = 30  # 503 answers to see before the database comes back (a few seconds)


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL server, running; stopped and deleted afterwards."""
    if POSTGRES_BIN is None:
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb)")
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_engine(postgres: PrivatePostgres) -> Iterator[Engine]:
    """The test's view of the private database."""
    engine = make_engine(postgres.url)
    yield engine
    engine.dispose()


def test_postgresql_down_means_503_then_everything_is_stored_and_answered_once(
    fake: TrippingTelegram,
    postgres: PrivatePostgres,
    private_engine: Engine,
    processes: Processes,
    data_dir: Path,
    secret_key: str,
    cipher: FieldCipher,
    reference: Reference,
) -> None:
    env = deployment_env(fake, postgres.url, secret_key, data_dir)
    command = [sys.executable, "-m", "bot", "db", "upgrade"]
    migrating = subprocess.Popen(command, env=env, cwd=data_dir, stderr=subprocess.PIPE)
    tappers = [s.actions() for s in SIGHTINGS[:3]]
    typist: list[Action] = [*SIGHTINGS[3].typed()]  # typed fast: a backlog when the database goes
    expected = reference([*tappers, typist])  # while the migrations run
    _, errors = migrating.communicate(timeout=START)
    assert migrating.returncode == 0, errors.decode()

    web = processes.web(env=env)
    processes.start_web(web)
    webhook = Webhook(webhook_path(fake))
    webhook.up(0, web.url)
    players = players_for([*tappers, typist], fake, webhook, private_engine)
    *tapping, typing = players
    play_all(tapping, lambda p: BEFORE_OUTAGE)
    typing.play(until=1)
    # The typist's conversation row is locked while the rest is typed, so the crash always
    # lands in the middle of a backlog: stored, acknowledged, not answered yet.
    holder = private_engine.connect()
    try:
        holder.begin()
        key = cipher.blind_index(f"telegram:{typing.chat_id}")
        lock = select(Conversation.id).where(Conversation.user_key == key).with_for_update()
        holder.execute(lock).one()
        typing.burst()
        wait_until_someone_waits_for(private_engine, backend_pid(holder), "the backlog", START)
        postgres.stop()  # a crash: every connection dropped, new ones refused
    finally:
        holder.invalidate()  # its server process is gone (or the test failed: let go)
    failures: list[BaseException] = []

    def carry_on() -> None:
        try:
            play_all(tapping, lambda p: None)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)

    rest = threading.Thread(target=carry_on, daemon=True)
    rest.start()
    webhook.wait_statuses(503, REFUSALS, ANSWER_WAIT)  # "come back later", not a false 200
    postgres.start()
    rest.join(ANSWER_WAIT * 2)
    assert not failures, failures[0]
    wait_processed(private_engine, typing.sent)
    assert web.stop(), web.log()[-3000:]

    sent = [u for p in players for u in p.sent]
    assert sorted(set(webhook.acknowledged)) == sorted(sent)
    assert_each_update_took_effect_once(private_engine, sent)
    for player, want in zip(players, expected, strict=True):
        got = finished(player, private_engine, cipher)
        assert got.tip is not None and got.tip == want.tip, player.chat_id
        assert got.state == want.state
        assert got.seen[:-1] == want.seen[:-1]  # in order, none lost, none twice
        assert got.ref and got.ref in got.seen[-1]
    log = web.log()
    assert "not stored (OperationalError); Telegram will send it again" in log
    assert "failed (OperationalError); retrying" in log  # the backlog waited for the database
    assert "Traceback" not in log
