"""Scaling out: two web processes and two workers on one PostgreSQL and one Redis.

Telegram's deliveries are spread over the web processes (a load balancer), so a chat's
consecutive updates land on different processes, while an earlier one may still be waiting
in the other. The second web process is started while the first has a backlog, as in a
rolling deploy or a scale-up under load. Every conversation must come out as if one process
had answered it, and every report must be followed up exactly once.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import FieldCipher, OutboxItem, OutboxStatus, ReportEvent
from tests.faults.conftest import Reference, finished, webhook_path
from tests.faults.processes import Processes
from tests.faults.scripts import SIGHTINGS, Action, Say
from tests.faults.telegram_side import (
    ANSWER_WAIT,
    TrippingTelegram,
    Webhook,
    players_for,
    together,
    wait_processed,
)

SLOW_SEND = 2.0  # seconds per sendMessage while the second process starts (PTB waits 5)


def alternate(step: int) -> int:
    """Telegram's deliveries spread over both processes: each update on the other one."""
    return step % 2


def test_two_web_processes_and_two_workers_keep_every_conversation_whole(
    fake: TrippingTelegram,
    processes: Processes,
    database_url: str,
    engine: Engine,
    cipher: FieldCipher,
    reference: Reference,
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip(
            "several processes share one PostgreSQL server; CI runs this with "
            "HOMEWARD_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    tappers = [SIGHTINGS[0].actions(), SIGHTINGS[1].actions()]
    typed = [replace(SIGHTINGS[0], place=Say("成都春熙路")), *SIGHTINGS[1:]]
    typists: list[list[Action]] = [[*s.typed()] for s in typed]
    first, second = processes.web("web-1"), processes.web("web-2")
    processes.launch(first)
    workers = [processes.worker("worker-1"), processes.worker("worker-2")]
    expected = reference([*tappers, *typists])  # while the processes start
    processes.ready(first)
    webhook = Webhook(webhook_path(fake), slots=2)
    webhook.up(0, first.url)
    players = players_for([*tappers, *typists], fake, webhook, engine, slot_of=alternate)
    tapping, early, spread = players[:2], players[2:4], players[4:]
    fake.delay("sendMessage", SLOW_SEND)  # the Bot API is slow for a while…
    for player in early:
        player.slot_of = lambda step: 0  # …and the first process alone gets these updates,
        player.burst()
    processes.start_web(second)  # so it still has a backlog when the second one starts
    webhook.up(1, second.url)
    fake.delay("sendMessage", 0)
    together([p.play for p in tapping] + [p.burst for p in spread])
    wait_processed(engine, [u for p in players for u in p.sent])
    for player, want in zip(players, expected, strict=True):
        got = finished(player, engine, cipher)
        assert got.seen[:-1] == want.seen[:-1], player.chat_id  # in order, none lost or twice
        assert got.tip is not None and got.tip == want.tip
        assert got.state == want.state
        assert got.ref and got.ref in got.seen[-1]

    refs = [finished(p, engine, cipher).ref for p in players]
    wait_followed_up(engine, len(players))
    for process in (first, second, *workers):
        assert process.stop(), process.log()[-3000:]
    with Session(engine) as session:
        reviews = Counter(
            session.exec(
                select(ReportEvent.report_id).where(ReportEvent.action == "queued_for_review")
            )
        )
    assert sorted(reviews.values()) == [1] * len(players)
    notices = "".join(w.log() for w in workers)
    for ref in refs:
        assert notices.count(f"({ref}) queued for review") == 1, ref  # coordinators told once
    served = {name: log.count(" stored") for name, log in processes.logs() if "web" in name}
    assert all(served.values()), served  # both processes took updates


def wait_followed_up(engine: Engine, reports: int) -> None:
    """Wait until the workers finished the follow-up work of this many reports."""
    deadline = time.monotonic() + ANSWER_WAIT
    while True:
        with Session(engine) as session:
            items = session.exec(select(OutboxItem)).all()
        done = {i.report_id for i in items if i.status == OutboxStatus.DONE}
        stuck = [(i.report_id, i.job, i.status, i.attempts) for i in items if i.status != "done"]
        if len(done) >= reports and not stuck:
            return
        assert time.monotonic() < deadline, f"follow-up never finished: {sorted(stuck)}"
        time.sleep(0.1)  # a worker's commit in another process: nothing to subscribe to
