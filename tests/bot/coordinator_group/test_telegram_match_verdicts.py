"""A match notice in the coordinators' group is confirmed or dismissed from its own buttons."""

from __future__ import annotations

from collections.abc import Callable

from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import (
    Coordinator,
    MatchCandidate,
    RegistryEntry,
    Report,
    session_scope,
    utcnow,
)
from storage.coordinators import find_coordinator
from storage.reports import get_report
from tests.bot.coordinator_helpers import (
    Shown,
    TelegramCoordinator,
    card_of,
    events,
    group_messages,
    listed,
    shown_now,
    submit_sighting,
    work,
)
from tests.bot.telegram_helpers import RunningBot, TelegramTipster
from tests.fakes.telegram_updates import UpdateFactory
from triage import dispatch_report, requeue_due, runtime
from triage.decisions import decide_link, decide_match

TIPSTER, ALICE, BOB, STRANGER = 5550001, 9001, 9002, 9003


def a_match_is_noticed(bot: RunningBot, engine: Engine, queue: Queue, ref: str) -> None:
    """The matcher proposed registry case FAM-2019-07 for the tip and the group is told."""
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None and report.id is not None
        entry = RegistryEntry(case_id="FAM-2019-07", kind="family_seeking_child", name="李勇")
        session.add(entry)
        session.flush()
        session.add(MatchCandidate(report_id=report.id, entry_id=entry.id or 0, score=0.734))
        report_id, entry_id = report.id, entry.id or 0
    runtime.current().notifier.match_found(report_id, ref, entry_id, 0.734)
    work(queue)


def a_noticed_tip(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> tuple[str, Shown]:
    """A tipster's sighting, and the group's notice of its match to FAM-2019-07."""
    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    a_match_is_noticed(bot, engine, queue, ref)
    return ref, group_messages(bot)[-1]


def decided(
    engine: Engine,
    queue: Queue,
    ref: str,
    verdict: Callable[[Session, Report, Coordinator], object],
) -> None:
    """Alice gives a verdict on a tip as the dashboard and `homeward decide` do; the worker runs."""
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        alice = find_coordinator(session=session, name="alice")
        assert report is not None and report.id is not None and alice is not None
        verdict(session, report, alice)
        report_id = report.id
    dispatch_report(engine, queue, report_id)
    work(queue)


def on_the_match(*, confirm: bool) -> Callable[[Session, Report, Coordinator], object]:
    """A verdict on the tip's match to FAM-2019-07."""

    def verdict(session: Session, report: Report, coordinator: Coordinator) -> object:
        return decide_match(
            session=session,
            report=report,
            case_id="FAM-2019-07",
            coordinator=coordinator,
            confirm=confirm,
            now=utcnow(),
        )

    return verdict


def test_a_coordinator_confirms_a_match_from_the_notice_under_their_name(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref, notice = a_noticed_tip(bot, updates, engine, queue)
    assert "may be the child of registry case FAM-2019-07" in notice.text
    assert notice.buttons == ["✅ Confirm match", "❎ Dismiss"]

    stranger = TelegramCoordinator(bot, updates, STRANGER, "Sam")
    refused = stranger.taps("✅ Confirm match", on=notice)
    assert refused.params["show_alert"] is True
    assert refused.params["text"] == "Sorry, only coordinators on the list can do this."
    assert shown_now(bot, notice).buttons == notice.buttons  # nothing decided

    listed(engine, "alice", ALICE)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    done = alice.taps("✅ Confirm match", on=notice)
    assert done.params["text"] == "Match confirmed under your name."

    now = shown_now(bot, notice)
    assert now.text.endswith("✅ Confirmed by alice: registry case FAM-2019-07 is this child.")
    assert now.buttons == []
    work(queue)  # the worker says the same verdict on the notice: nothing changes
    assert shown_now(bot, notice) == now
    assert ("alice", "match_confirmed") in events(engine, ref)
    assert ("unlisted-telegram", "refused") in events(engine, ref)
    with Session(engine) as session:
        candidate = session.exec(select(MatchCandidate)).one()
    assert (candidate.status, candidate.decided_by) == ("confirmed", "alice")


def test_on_a_tip_another_holds_a_coordinator_may_not_dismiss_its_match(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    listed(engine, "alice", ALICE)
    listed(engine, "bob", BOB)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    alice.taps("Claim", on=card_of(bot, ref))
    a_match_is_noticed(bot, engine, queue, ref)
    notice = group_messages(bot)[-1]

    bob = TelegramCoordinator(bot, updates, BOB, "Bob")
    refused = bob.taps("❎ Dismiss", on=notice)

    assert refused.params["show_alert"] is True
    assert refused.params["text"] == f"Not done: {ref} is claimed by someone else"
    assert shown_now(bot, notice).buttons == notice.buttons
    assert ("bob", "match_dismissed") not in events(engine, ref)


def test_a_verdict_given_on_the_dashboard_is_said_on_the_groups_notice(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref, notice = a_noticed_tip(bot, updates, engine, queue)
    listed(engine, "alice", ALICE)

    decided(engine, queue, ref, on_the_match(confirm=False))

    now = shown_now(bot, notice)
    assert now.text == f"{notice.text}\n❎ Dismissed by alice: not registry case FAM-2019-07."
    assert now.buttons == []


def test_a_verdict_is_said_on_the_notice_after_redis_forgot_everything(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref, notice = a_noticed_tip(bot, updates, engine, queue)
    listed(engine, "alice", ALICE)
    queue.connection.flushdb()  # a Redis restarted without persistence: the notice is in PostgreSQL

    decided(engine, queue, ref, on_the_match(confirm=True))

    now = shown_now(bot, notice)
    assert (
        now.text
        == f"{notice.text}\n✅ Confirmed by alice: registry case FAM-2019-07 is this child."
    )
    assert now.buttons == []


def test_once_two_tips_are_one_child_an_entry_confirmed_on_one_is_said_on_the_others_notice(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    first, first_notice = a_noticed_tip(bot, updates, engine, queue)
    second = submit_sighting(TelegramTipster(bot, updates, TIPSTER + 1, language_code="en"))
    work(queue)
    with session_scope(engine) as session:  # the worker linked them; the same entry for both
        a, b = get_report(session=session, ref=first), get_report(session=session, ref=second)
        entry = session.exec(select(RegistryEntry)).one()
        assert a is not None and b is not None and a.id and b.id
        session.add(MatchCandidate(report_id=b.id, entry_id=entry.id or 0, score=0.61))
        ids = b.id, entry.id or 0
    runtime.current().notifier.match_found(ids[0], second, ids[1], 0.61)
    work(queue)
    second_notice = group_messages(bot)[-1]
    assert second_notice.buttons == ["✅ Confirm match", "❎ Dismiss"]
    listed(engine, "alice", ALICE)

    decided(engine, queue, first, on_the_match(confirm=True))
    assert shown_now(bot, second_notice).buttons == second_notice.buttons  # not yet one child

    def same_child(s: Session, a: Report, alice: Coordinator) -> None:
        b = get_report(session=s, ref=second)
        assert b is not None
        decide_link(session=s, report=a, other=b, coordinator=alice, confirm=True, now=utcnow())

    decided(engine, queue, first, same_child)
    requeue_due(engine, queue)  # the other tip's work is queued by the worker's sweeper
    work(queue)
    now = shown_now(bot, second_notice)
    assert now.text == (
        f"{second_notice.text}\n✅ Confirmed by alice: registry case FAM-2019-07 is this child."
        f"\ndecided on {first}, the same child"
    )
    assert now.buttons == []
    assert shown_now(bot, first_notice).buttons == []
