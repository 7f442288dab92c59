"""`python -m bench.alerts`: an alert's fan-out to many subscribers, printed, never asserted.

On PostgreSQL (database homeward_bench_alerts, created and dropped) and Redis (database 12,
flushed; HOMEWARD_BENCH_ALERTS_REDIS to change), with a fake Bot API in this process:
100,000 synthetic subscribers (points across China, a tenth by province), one case missing in
Guangzhou two days ago (the 500 km radius), published by a lead; then the real alert worker
(bench/alerts_worker.py) sends for --seconds at Telegram's pace, is killed with SIGKILL half
way, and after the sweeper's recovery sends on. Printed: time to target and queue, messages/s
against Telegram's 30/s, the time to reach every targeted subscriber at that rate, whether
they were reached nearest first, and duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import psycopg
import redis
from rq import Queue
from sqlalchemy import insert
from sqlmodel import Session, select

from bench.fakebot import TOKEN, FakeBotApi
from handlers.places import PROVINCES
from storage import (
    AlertDelivery,
    DeliveryKind,
    FieldCipher,
    RegistryEntry,
    Role,
    Subscription,
    generate_key,
    make_engine,
    session_scope,
    upgrade,
    utcnow,
)
from storage.coordinators import add_coordinator, find_coordinator
from triage.alerts import ALERT_QUEUE, enqueue_fanout, publish_alert
from triage.alerts.fanout import LEASE, resume_fanouts

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "homeward_bench_alerts"
REDIS_URL = os.environ.get("HOMEWARD_BENCH_ALERTS_REDIS", "redis://127.0.0.1:6379/12")
TELEGRAM_CAP = 30.0


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh database for the run, dropped after."""
    drop = f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(drop)


def seed_subscribers(url: str, cipher: FieldCipher, count: int) -> float:
    """`count` subscribers: 60% around the Pearl River delta, 30% anywhere, 10% by province."""
    rng, started = random.Random(17), time.perf_counter()
    engine = make_engine(url)
    rows = []
    for n in range(count):
        user = str(10_000_000 + n)
        row = {
            "platform": "telegram",
            "user_key": cipher.blind_index(f"telegram:{user}"),
            "user_ref": cipher.encrypt(user),
            "language": "zh_CN" if n % 4 else "en",
            "provinces": [],
            "cities": [],
            "created_at": utcnow(),
        }
        if n % 10 == 9:
            row |= {"provinces": [rng.choice(PROVINCES)], "area_key": f"p{n}"}
        else:
            near = n % 10 < 6
            lat = rng.uniform(21.0, 26.0) if near else rng.uniform(22.0, 45.0)
            lon = rng.uniform(109.0, 117.5) if near else rng.uniform(100.0, 125.0)
            row |= {
                "latitude": round(lat, 2),
                "longitude": round(lon, 2),
                "radius_km": rng.choice((50, 100, 200, 500)),
                "area_key": f"g{n}",
            }
        rows.append(row)
    with session_scope(engine) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Subscription), rows[start : start + 5000])
    engine.dispose()
    return time.perf_counter() - started


def publish(url: str) -> tuple[int, int, float]:
    """A lead publishes the case; (alert id, subscribers targeted, seconds taken)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        add_coordinator(session=session, name="lead", role=Role.LEAD)
        session.add(
            RegistryEntry(
                case_id="BENCH-1",
                kind="family_seeking_child",
                sex="F",
                birth_date=date(2019, 3, 1),
                missing_date=date.today() - timedelta(days=2),
                missing_place="广东省广州市天河区",
                home_province="广东",
                dialect="粤语",
                marks="左手腕有疤",
            )
        )
    started = time.perf_counter()
    with session_scope(engine) as session:
        alert, targeted = publish_alert(
            session=session,
            case_id="BENCH-1",
            coordinator=find_coordinator(session=session, name="lead"),
            name="lead",
            consent="bench",
            photo=False,
            now=utcnow(),
            tz=ZoneInfo("Asia/Shanghai"),
        )
        alert_id = alert.id or 0
    seconds = time.perf_counter() - started
    engine.dispose()
    return alert_id, targeted, seconds


class FakeInThread:
    """The fake Bot API served by an event loop in a thread of this process."""

    def __init__(self) -> None:
        self.fake = FakeBotApi()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.port = asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result()

    def sends(self) -> list[tuple[float, int]]:
        """(arrival, chat id) of every sendMessage so far."""
        return [(c.at, c.chat_id or 0) for c in list(self.fake.calls) if c.method == "sendmessage"]

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)


def worker(url: str, key: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_SECRET_KEY": key,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
    }
    return subprocess.Popen([sys.executable, "-m", "bench.alerts_worker"], env=env)


def ranks(url: str, alert_id: int) -> dict[int, int]:
    """Chat id → the row's rank (0 nearest), read back through the subscription's user id."""
    engine = make_engine(url)
    with Session(engine) as session:
        statement = select(AlertDelivery.rank, AlertDelivery.subscription_id).where(
            AlertDelivery.alert_id == alert_id
        )
        by_subscription = {s: r for r, s in session.exec(statement)}
    engine.dispose()
    # Subscriptions were inserted in user order: id n+1 is user 10,000,000 + n.
    return {10_000_000 + s - 1: r for s, r in by_subscription.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="sending time in all")
    args = parser.parse_args()
    key, client = generate_key(), redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    with scratch_database() as url:
        upgrade(url)
        seeded = seed_subscribers(url, FieldCipher(key), args.subscribers)
        alert_id, targeted, publishing = publish(url)
        queue = Queue(ALERT_QUEUE, connection=client)
        enqueue_fanout(queue, alert_id, DeliveryKind.ALERT)
        fake = FakeInThread()
        try:
            first = worker(url, key, fake.port)
            time.sleep(args.seconds / 2)
            os.kill(first.pid, signal.SIGKILL)  # mid-fan-out, wherever it is
            first.wait()
            before_kill = len(fake.sends())
            engine = make_engine(url)
            resume_fanouts(engine, queue, now=utcnow() + LEASE * 2)  # the lease has passed
            engine.dispose()
            second = worker(url, key, fake.port)
            time.sleep(args.seconds / 2)
            os.kill(second.pid, signal.SIGKILL)
            second.wait()
            sends = fake.sends()
        finally:
            fake.close()
        order = ranks(url, alert_id)
    client.flushdb()
    report(args.subscribers, seeded, targeted, publishing, sends, before_kill, order)


def _rate(sends: list[tuple[float, int]]) -> float:
    if len(sends) < 2:
        return 0.0
    return (len(sends) - 1) / (sends[-1][0] - sends[0][0])


def report(
    subscribers: int,
    seeded: float,
    targeted: int,
    publishing: float,
    sends: list[tuple[float, int]],
    before_kill: int,
    order: dict[int, int],
) -> None:
    """Print the figures."""
    phases = [sends[:before_kill], sends[before_kill:]]
    sent = sum(len(p) for p in phases)
    busy = sum(p[-1][0] - p[0][0] for p in phases if len(p) > 1)
    rate = (sent - len([p for p in phases if p])) / busy if busy else 0.0
    received = Counter(chat for _, chat in sends)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    sequence = [order.get(chat, -1) for _, chat in sends]
    inversions = sum(1 for a, b in zip(sequence, sequence[1:], strict=False) if b < a)
    print(f"subscribers                {subscribers:>10,}   (seeded in {seeded:.1f} s)")
    print(
        f"targeted (500 km + prov.)  {targeted:>10,}   (targeted and queued in {publishing:.1f} s)"
    )
    print(
        f"sent in the run            {sent:>10,}   ({len(phases[0])} before kill -9, {len(phases[1])} after)"
    )
    print(
        f"messages/s while sending   {rate:>10.1f}   ({rate / TELEGRAM_CAP:.2f} of Telegram's 30/s; phases {_rate(phases[0]):.1f}, {_rate(phases[1]):.1f})"
    )
    if rate:
        print(
            f"time to reach all targeted {targeted / rate / 60:>10.1f} min (at 30/s: {targeted / TELEGRAM_CAP / 60:.1f} min)"
        )
    print(
        f"nearest first              {'yes' if inversions == 0 else 'no':>10}   ({inversions} out-of-order pairs)"
    )
    print(f"duplicates after kill -9   {duplicates:>10}")


if __name__ == "__main__":
    main()
