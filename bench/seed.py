"""Reports for the worker phase: sighting interviews run through the real intake, in-process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import psycopg
from sqlalchemy.engine import make_url

from bench.script import SIGHTING, Step
from bench.servers import Stack
from bot.settings import Settings
from bot.wiring import services
from handlers import Inbound, InboundKind, Intake

__all__ = ["discard_backlog", "report_count", "seed_reports"]

FIRST_USER = 9_000_000


def _conninfo(stack: Stack) -> str:
    url = make_url(stack.database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def report_count(stack: Stack) -> int:
    """How many reports the run's database holds."""
    with psycopg.connect(_conninfo(stack)) as conn:
        row = conn.execute("SELECT count(*) FROM report").fetchone()
    return int(row[0]) if row else 0


def discard_backlog(stack: Stack) -> int:
    """Mark stored, unanswered updates done, so the next web process doesn't answer them."""
    with psycopg.connect(_conninfo(stack)) as conn:
        cursor = conn.execute(
            "UPDATE inboundupdate SET processed_at = now(), payload = '' WHERE processed_at IS NULL"
        )
        return cursor.rowcount


def _inbound(user: str, step: Step, n: int) -> Inbound:
    inbound = Inbound(
        "telegram", user, InboundKind.TEXT, delivery_id=f"seed-{user}-{n}", language_hint="zh-hans"
    )
    if step.action == "tap":
        name, _, value = step.value.partition(":")
        return replace(inbound, kind=InboundKind.CHOICE, text=value, step=name)
    if step.action == "location":
        lat, lon = (float(x) for x in step.value.split(","))
        return replace(inbound, kind=InboundKind.LOCATION, latitude=lat, longitude=lon)
    if step.action == "contact":
        phone = f"+86138{int(user) % 100_000_000:08d}"
        return replace(inbound, kind=InboundKind.CONTACT, phone=phone)
    if step.action == "command":
        return replace(inbound, kind=InboundKind.COMMAND, text=step.value)
    return replace(inbound, text=step.value)


def _interview(intake: Intake, user: int) -> None:
    for n, step in enumerate(SIGHTING.steps):
        intake.handle(_inbound(str(user), step, n))


def seed_reports(stack: Stack, count: int, *, threads: int = 4) -> float:
    """Submit `count` sightings (each queues its follow-up jobs, as the web process does)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=stack.database_url,
        redis_url=stack.redis_url,
        homeward_secret_key=stack.secret_key,
    )
    started = time.monotonic()
    with services(settings) as svc, ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda n: _interview(svc.intake, FIRST_USER + n), range(count)))
    return time.monotonic() - started
