"""The fan-out sends each subscriber each alert once: across a worker killed mid-fan-out, a
blocked bot, and the alert's closing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from storage import AlertDelivery, DeliveryStatus, session_scope, utcnow
from tests.conftest import REDIS_URL
from tests.triage.alert_worker_proc import HUNG
from tests.triage.alerts_world import DONGGUAN, AlertsWorld, MemoryAlertSender
from triage.alerts.fanout import LEASE, resume_fanouts

ROOT = Path(__file__).resolve().parents[2]
NEIGHBOURS = 12


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(
        engine, cipher, redis_client, database_url, senders={"telegram": MemoryAlertSender()}
    )


def neighbours_in_dongguan(world: AlertsWorld, count: int = NEIGHBOURS) -> list[int]:
    """Subscribers in and east of Dongguan, each farther from Guangzhou (their chat ids)."""
    chats = [700000 + n for n in range(count)]
    for n, chat in enumerate(chats):
        lat, lon = DONGGUAN
        world.neighbour_near(str(chat), (lat, lon + n * 0.02), radius_km=200)  # eastwards
    return chats


def run_worker_process(
    world: AlertsWorld, fake, secret_key: str, hang_at: int = 0
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": world.database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_SECRET_KEY": secret_key,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "HANG_AT": str(hang_at),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.triage.alert_worker_proc"], cwd=ROOT, env=env
    )


def test_a_worker_killed_mid_fan_out_leaves_no_one_twice_and_sends_the_rest_once(
    world, fake, secret_key, redis_client
) -> None:
    chats = neighbours_in_dongguan(world)
    world.lead()
    alert_id = world.publishes(world.family_case())

    worker = run_worker_process(world, fake, secret_key, hang_at=5)
    while not redis_client.get(HUNG):  # Telegram took its 5th message; it stopped before marking
        assert worker.poll() is None, "the worker ended before it hung"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    statuses = Counter(d.status for d in world.deliveries(alert_id))
    assert statuses == {"sent": 4, "sending": 1, "pending": NEIGHBOURS - 5}

    # The sweeper, once the lease has passed, settles the row the worker died sending (it was
    # handed over) and queues the rest for a new worker.
    assert resume_fanouts(world.engine, world.queue, now=utcnow() + LEASE * 2) == 1
    again = run_worker_process(world, fake, secret_key)
    assert again.wait(timeout=120) == 0

    received = Counter(m.chat_id for m in fake.sent_messages())
    assert received == dict.fromkeys(chats, 1)
    assert [m.chat_id for m in fake.sent_messages()] == chats  # nearest first
    statuses = Counter(d.status for d in world.deliveries(alert_id))
    assert statuses == {"sent": NEIGHBOURS - 1, "uncertain": 1}


def test_a_fan_out_whose_job_was_lost_is_queued_again_by_the_sweeper(world) -> None:
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    chats = neighbours_in_dongguan(world, 4)
    world.lead()
    world.publishes(world.family_case())
    world.queue.empty()  # the job went with its Redis or its worker
    assert resume_fanouts(world.engine, world.queue) == 1
    assert resume_fanouts(world.engine, world.queue) == 1  # not yet started: queued again is
    world.worker_runs()  # harmless, each row is claimed once
    assert [m.user_id for m in sender.sent] == [str(c) for c in chats]


def test_a_blocked_subscriber_is_recorded_and_skipped(world) -> None:
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    chats = neighbours_in_dongguan(world, 3)
    sender.blocked.add(str(chats[1]))
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.worker_runs()

    rows = world.deliveries(alert_id)
    assert [r.status for r in rows] == ["sent", "blocked", "sent"]
    assert "blocked" in (rows[1].failure or "")
    assert [m.user_id for m in sender.sent] == [str(chats[0]), str(chats[2])]


def test_closing_tells_only_those_reached_once_and_withdraws_the_rest(world) -> None:
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    chats = neighbours_in_dongguan(world, 3)
    sender.blocked.add(str(chats[2]))
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.worker_runs()
    world.closes(alert_id, found=True)
    world.worker_runs()
    world.worker_runs()  # a second run finds nothing left to send

    closing = [m for m in sender.sent if m.seen_button is None]
    assert [m.user_id for m in closing] == [str(chats[0]), str(chats[1])]
    assert "孩子已经找到" in closing[0].text
    alert = [m for m in sender.sent if m.seen_button is not None]
    assert len(alert) == 2 and alert[0].seen_button == "我见过这个孩子"


def test_an_alert_closed_before_its_fan_out_sends_nothing_more(world) -> None:
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    neighbours_in_dongguan(world, 3)
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.closes(alert_id, found=False)
    world.worker_runs()
    assert sender.sent == []
    assert {d.status for d in world.deliveries(alert_id)} == {DeliveryStatus.WITHDRAWN}


def put(world: AlertsWorld, delivery_id: int | None, status: DeliveryStatus) -> None:
    """A row's status, as a worker sets it (claiming a row, or putting it back)."""
    with session_scope(world.engine) as session:
        session.execute(
            update(AlertDelivery).where(col(AlertDelivery.id) == delivery_id).values(status=status)
        )


def test_a_message_put_back_after_its_alert_closed_is_withdrawn_not_sent(world) -> None:
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    chats = neighbours_in_dongguan(world, 2)
    world.lead()
    alert_id = world.publishes(world.family_case())
    nearest = world.deliveries(alert_id)[0].id
    put(world, nearest, DeliveryStatus.SENDING)  # a worker is sending it...
    world.closes(alert_id, found=True)  # ...as the alert closes: it counts as reached
    put(world, nearest, DeliveryStatus.PENDING)  # its send failed: put back for rq's retry
    world.worker_runs()

    assert [(m.user_id, m.seen_button) for m in sender.sent] == [(str(chats[0]), None)]
    assert [(r.kind, r.status) for r in world.deliveries(alert_id)] == [
        ("alert", "withdrawn"),
        ("alert", "withdrawn"),
        ("closed", "sent"),
    ]
