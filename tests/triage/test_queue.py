"""A submitted report is queued exactly once and its follow-up runs on a real worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from rq import Queue, SimpleWorker, Worker
from sqlalchemy import update
from sqlmodel import Session, col, select

from storage import OutboxItem, OutboxStatus, Report, ReportEvent, utcnow
from storage.outbox import OutboxJob, due_outbox_items
from tests.pg_locks import hold_outbox_row, wait_until_someone_waits_for
from tests.stories import Tipster
from tests.triage.redis_server import RedisServer
from triage import QUEUE_NAME, Runtime, configure, dispatch_report, sweep
from triage.queue import queued_intake

FOLLOW_UP, ASSESS = OutboxJob.FOLLOW_UP, OutboxJob.ASSESS


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
    intake = queued_intake(engine=engine, cipher=cipher, config=config, queue=queue)
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


@pytest.mark.usefixtures("postgresql")
def test_a_job_done_before_its_enqueue_is_noted_stays_done(tipster, engine, queue, worker_runtime):
    """The web process enqueues, a worker runs the job and commits "done", and only then
    does the web process note "enqueued": the note must not undo the "done" (the sweeper
    would run the job again ten minutes later)."""
    submit_short_report(tipster)
    with Session(engine) as session:
        report_id = session.exec(select(Report.id)).one()
        session.exec(update(OutboxItem).values(status=OutboxStatus.PENDING))
        session.commit()
    [follow_up_job, _] = queue.job_ids
    worker, holder = hold_outbox_row(engine, follow_up_job)  # the worker, inside its job
    noting = threading.Thread(target=dispatch_report, args=(engine, queue, report_id))
    noting.start()
    wait_until_someone_waits_for(engine, holder, "the enqueued note", timeout=30)
    worker.exec(update(OutboxItem).where(col(OutboxItem.job) == FOLLOW_UP).values(status="done"))
    worker.commit()
    worker.close()
    noting.join(30)
    assert not noting.is_alive()

    with Session(engine) as session:
        items = {i.job: i for i in session.exec(select(OutboxItem))}
    assert items[FOLLOW_UP].status == OutboxStatus.DONE
    assert items[ASSESS].status == OutboxStatus.ENQUEUED and items[ASSESS].attempts == 2
    with Session(engine) as session:
        stale = due_outbox_items(session=session, stale_before=utcnow() + timedelta(hours=1))
    assert [i.job for i in stale] == [ASSESS]  # the sweeper would never re-run the done job
