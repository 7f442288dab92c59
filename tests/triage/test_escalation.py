"""An imminent tip nobody claims within IMMINENT_ESCALATE_MINUTES goes to the leads, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import SimpleWorker

from storage import session_scope
from storage.reports import get_report
from tests.triage.coordinators import CoordinatorActor, event_log, tip
from tests.triage.stored import NOW, report
from triage import MemoryNotifier, Runtime, configure, sweep

WEEK = timedelta(days=7)


@pytest.fixture
def notifier(database_url) -> MemoryNotifier:
    """Jobs run in this process and tell an in-memory notifier."""
    notifier = MemoryNotifier()
    configure(Runtime(database_url=database_url, notifier=notifier))
    return notifier


def imminent(engine, received: timedelta) -> str:
    """A child hurt and there right now, reported `received` ago."""
    return report(
        engine,
        presence="there_now",
        seen_on=NOW - timedelta(hours=1),
        signs=["injuries"],
        received=received,
    )


def test_an_imminent_tip_unclaimed_for_15_minutes_is_escalated_once(
    engine, queue, redis_client, notifier
):
    overdue = imminent(engine, timedelta(minutes=16))
    fresh = imminent(engine, timedelta(minutes=5))
    held = imminent(engine, timedelta(minutes=40))
    CoordinatorActor(engine, "alice").claims(held)

    sweep(engine, queue, draft_ttl=WEEK, now=NOW)
    sweep(engine, queue, draft_ttl=WEEK, now=NOW + timedelta(minutes=1))  # a later sweep
    SimpleWorker([queue], connection=redis_client).work(burst=True)

    assert event_log(engine, overdue).count(("system", "escalated")) == 1
    assert [sent for _, sent in notifier.sent if sent.startswith("escalated")] == [
        f"escalated:{overdue}"
    ]
    assert tip(engine, overdue).escalated_at is not None
    for calm in (fresh, held):
        assert ("system", "escalated") not in event_log(engine, calm)
        assert tip(engine, calm).escalated_at is None


def test_the_wait_before_escalating_is_a_setting(engine, queue, notifier):
    waited = imminent(engine, timedelta(minutes=6))
    sweep(engine, queue, draft_ttl=WEEK, now=NOW, escalate_after=timedelta(minutes=5))
    assert ("system", "escalated") in event_log(engine, waited)


def test_a_sighting_that_is_not_imminent_is_never_escalated(engine, queue, notifier):
    calm = report(engine, presence="seen_once", received=timedelta(hours=2))
    sweep(engine, queue, draft_ttl=WEEK, now=NOW)
    with session_scope(engine) as session:
        stored = get_report(session=session, ref=calm)
        assert stored is not None and stored.escalated_at is None
