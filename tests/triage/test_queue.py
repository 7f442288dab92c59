"""A submitted report is queued exactly once and its follow-up runs on a real worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue, SimpleWorker, Worker
from sqlmodel import Session, select

from handlers import Intake
from storage import OutboxItem, Report, ReportEvent
from tests.stories import Tipster
from tests.triage.redis_server import RedisServer
from triage import QUEUE_NAME, Runtime, configure, dispatch_report, sweep


def submit_short_report(tipster: Tipster) -> str:
    """An 'other information' report, the shortest flow; returns the receipt text."""
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.says("昆明汽车站")
    tipster.taps("today")
    tipster.says("有人在车站打听买小孩")
    tipster.taps("done")
    tipster.taps("anonymous")
    tipster.taps("submit")
    return tipster.text


@pytest.fixture
def worker_runtime(database_url: str) -> Runtime:
    """Jobs in this process (and forked work-horses) use the test database."""
    runtime = Runtime(database_url=database_url)
    configure(runtime)
    return runtime


def actions(engine, report_id: int) -> list[str]:
    with Session(engine) as session:
        events = session.exec(select(ReportEvent).where(ReportEvent.report_id == report_id))
        return [e.action for e in events]


def test_follow_up_runs_once_on_a_real_worker(tipster, engine, queue, redis_client, worker_runtime):
    submit_short_report(tipster)
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
    assert queue.job_ids == [f"follow-up-{report.id}", f"assess-{report.id}"]

    Worker([queue], connection=redis_client).work(burst=True)

    assert actions(engine, report.id) == ["submitted", "queued_for_review", "assessed"]
    with Session(engine) as session:
        assert {i.status for i in session.exec(select(OutboxItem))} == {"done"}
    # Dispatching again (a duplicate enqueue) and running again changes nothing.
    assert dispatch_report(engine, queue, report.id) == 0
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    assert actions(engine, report.id) == ["submitted", "queued_for_review", "assessed"]


def test_a_job_run_twice_has_one_effect(tipster, engine, worker_runtime):
    from triage.jobs import follow_up

    submit_short_report(tipster)
    with Session(engine) as session:
        report_id = session.exec(select(Report)).one().id
    assert follow_up(report_id) == "done"
    assert follow_up(report_id) == "already done"
    assert actions(engine, report_id) == ["submitted", "queued_for_review"]


@pytest.fixture
def outage_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def test_redis_down_at_submit_delays_follow_up_but_loses_nothing(
    engine, cipher, config, outage_redis, worker_runtime
):
    connection = redis.Redis.from_url(outage_redis.url, socket_connect_timeout=1)
    queue = Queue(QUEUE_NAME, connection=connection)
    intake = Intake(
        engine=engine,
        cipher=cipher,
        config=config,
        after_submit=lambda report_id: dispatch_report(engine, queue, report_id),
    )
    outage_redis.kill()

    receipt = submit_short_report(Tipster(intake, language_hint="zh"))

    assert "HW-" in receipt  # the tipster is thanked even though Redis is down
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
        assert {i.status for i in session.exec(select(OutboxItem))} == {"pending"}

    outage_redis.start()  # a fresh, empty Redis: whatever was queued before is gone
    result = sweep(engine, queue, draft_ttl=config.draft_ttl)
    assert result.requeued == 2
    Worker([queue], connection=connection).work(burst=True)

    assert actions(engine, report.id) == ["submitted", "queued_for_review", "assessed"]


def test_sweeper_requeues_a_job_lost_from_redis(
    tipster, engine, queue, redis_client, config, worker_runtime
):
    from datetime import timedelta

    from storage import utcnow

    submit_short_report(tipster)
    redis_client.flushdb()  # the queued job is lost (Redis restarted without persistence)
    assert sweep(engine, queue, draft_ttl=config.draft_ttl).requeued == 0  # not stale yet
    later = utcnow() + timedelta(minutes=11)
    assert sweep(engine, queue, draft_ttl=config.draft_ttl, now=later).requeued == 2
    Worker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        assert {i.status for i in session.exec(select(OutboxItem))} == {"done"}
