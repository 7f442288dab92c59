"""The alert benchmark's world: its own database, 100,000 synthetic subscribers, a lead who
publishes a case, alert worker processes, and each subscriber's place in the order."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, select

from bench.fakebot import TOKEN
from bench.procs import database
from handlers.places import PROVINCES
from storage import (
    AlertDelivery,
    FieldCipher,
    RegistryEntry,
    Role,
    Subscription,
    make_engine,
    session_scope,
    utcnow,
)
from storage.coordinators import add_coordinator, find_coordinator
from triage.alerts import publish_alert

__all__ = [
    "FIRST_SUBSCRIBER",
    "REDIS_URL",
    "publish",
    "ranks",
    "scratch_database",
    "seed_subscribers",
    "worker",
]

# Another run on the same machine would drop and flush these under this one: the variables
# give a run its own.
DB_NAME = os.environ.get("HOMEWARD_BENCH_ALERTS_DB", "homeward_bench_alerts")
REDIS_URL = os.environ.get("HOMEWARD_BENCH_ALERTS_REDIS", "redis://127.0.0.1:6379/12")
FIRST_SUBSCRIBER = 10_000_000  # subscribers' chat ids; the tipsters' are below


def scratch_database() -> AbstractContextManager[str]:
    """A fresh database for the run, dropped after."""
    return database(DB_NAME)


def seed_subscribers(url: str, cipher: FieldCipher, count: int) -> float:
    """`count` subscribers: 60% around the Pearl River delta, 30% anywhere, 10% by province."""
    rng, started = random.Random(17), time.perf_counter()
    engine = make_engine(url)
    rows = []
    for n in range(count):
        user = str(FIRST_SUBSCRIBER + n)
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


def worker(url: str, key: str, port: int) -> subprocess.Popen[bytes]:
    """The real alert worker (bench/alerts_worker.py), sending to the fake Bot API on `port`."""
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
    # Subscriptions were inserted in user order: id n+1 is user FIRST_SUBSCRIBER + n.
    return {FIRST_SUBSCRIBER + s - 1: r for s, r in by_subscription.items()}
