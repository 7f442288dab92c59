"""The interview on the event loop (the Telegram channel's `InterviewTurns`): the same answers,
the same records, and what needs the intake's session handed to it.

A tipster here talks through `InterviewTurns.handle` on an event loop, as the channel does;
`Intake.handle` (the thread path) is watched to see which messages reach it. PostgreSQL only:
on SQLite every message takes the thread path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, delete, select

from bot.telegram.interview_turns import InterviewTurns
from handlers import Inbound, Intake, Reply
from handlers import quick_turn as quick_turn_module
from storage import Conversation, Delivery, Report, ReportEvent, Role
from tests.stories import Tipster, other_information_to_review, receipt_ref
from tests.triage.coordinators import CoordinatorActor
from tests.triage.test_workflow import submit

pytestmark = pytest.mark.usefixtures("postgresql")


class LoopTipster(Tipster):
    """A tipster whose messages go through `InterviewTurns` on an event loop."""

    def __init__(self, turns: InterviewTurns, loop: asyncio.AbstractEventLoop, **kw: Any) -> None:
        super().__init__(turns.intake, **kw)
        self.turns = turns
        self.loop = loop

    def deliver(self, inbound: Inbound) -> list[Reply]:
        return self.loop.run_until_complete(self.turns.handle(inbound))


@pytest.fixture
def turns(intake: Intake) -> Iterator[tuple[InterviewTurns, asyncio.AbstractEventLoop]]:
    loop = asyncio.new_event_loop()
    turns = InterviewTurns(intake, intake.engine)
    yield turns, loop
    loop.run_until_complete(turns.close())
    loop.close()


@pytest.fixture
def threaded(intake: Intake, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the messages that reached `Intake.handle`."""
    seen: list[str] = []
    handle = intake.handle

    def watched(msg: Inbound) -> list[Reply]:
        seen.append(msg.text)
        return handle(msg)

    monkeypatch.setattr(intake, "handle", watched)
    return seen


def on_the_loop(turns: tuple[InterviewTurns, asyncio.AbstractEventLoop], **kw: Any) -> LoopTipster:
    return LoopTipster(*turns, **kw)


def test_a_whole_report_is_answered_on_the_loop_but_its_submission(turns, threaded, engine, queue):
    tipster = on_the_loop(turns, user_id="loop-1", language_hint="en")
    other_information_to_review(tipster)
    tipster.taps("Submit")

    ref = receipt_ref(tipster.text)
    assert threaded == ["submit"]  # the report and its outbox
    with Session(engine) as session:
        [report] = session.exec(select(Report)).all()
        assert report.ref == ref and report.place_text == "Kunming bus station"
    assert queue.job_ids == [f"follow-up-{report.id}", f"assess-{report.id}"]


def transcript(tipster: Tipster, script: list[Callable[[Tipster], object]]) -> list[Any]:
    said = []
    for step in script:
        step(tipster)
        said.append([(r.text, r.step, [c.label for c in r.choices]) for r in tipster.replies])
    return said


def test_the_same_conversation_reads_the_same_on_both_paths(turns, threaded, intake):
    script: list[Callable[[Tipster], object]] = [
        lambda t: t.says("/start"),
        lambda t: t.taps("Other information (traffickers, buyers, places)"),
        lambda t: t.taps("Continue"),
        lambda t: t.sends_sticker(),
        lambda t: t.says("x" * 5000),
        lambda t: t.says("Kunming bus station"),
        lambda t: t.says("/back"),
        lambda t: t.says("Kunming bus station"),
        lambda t: t.says("the thirty-second of Smarch"),
        lambda t: t.taps("Yesterday"),
        lambda t: t.says("/language"),
        lambda t: t.taps("中文"),
        lambda t: t.says("一个女人想买孩子，她说：\"别告诉别人\" \\ 'O''Brien' 😢 %(x)s {}"),
        lambda t: t.taps("完成"),
        lambda t: t.taps("留下电话号码"),
        lambda t: t.says("12345"),
        lambda t: t.says("138 0013 8000"),
    ]
    in_thread = transcript(Tipster(intake, user_id="thread-1", language_hint="en"), script)
    threaded.clear()
    on_loop = transcript(on_the_loop(turns, user_id="loop-2", language_hint="en"), script)

    assert on_loop == in_thread
    assert threaded == []


def test_a_redelivered_message_gets_the_same_replies_and_has_one_effect(turns, engine):
    tipster = on_the_loop(turns, user_id="loop-3", language_hint="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    first = tipster.says("Kunming bus station")

    again = tipster.is_redelivered()

    assert again == first and tipster.step == "when"
    with Session(engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.delivery_key == tipster.last_delivery))
        assert len(rows.all()) == 1
    assert tipster.draft["where"]["text"] == "Kunming bus station"


def test_a_follow_up_is_handed_to_the_intake_and_works(turns, threaded, intake, engine):
    ref, pin = submit(Tipster(intake, user_id="loop-4", language_hint="zh-hans"))
    tipster = on_the_loop(turns, user_id="loop-4", language_hint="zh-hans")
    threaded.clear()

    tipster.says("/followup")
    tipster.says(ref)
    tipster.says(pin)

    assert threaded == [pin]  # checking the code and PIN uses the follow-up port
    assert ref in tipster.text and tipster.step == "followup_menu"
    with Session(engine) as session:
        [event] = session.exec(select(ReportEvent).where(ReportEvent.action == "followup_opened"))
        assert event.actor == "tipster"


def test_a_first_message_creates_the_conversation_on_the_loop(turns, threaded, engine):
    tipster = on_the_loop(turns, user_id="loop-10", language_hint="en")
    tipster.says("/start")

    assert threaded == [] and tipster.step == "kind"
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
        [delivery] = session.exec(select(Delivery)).all()
    assert delivery.conversation_id == conversation.id
    assert conversation.user_ref != "loop-10"  # the platform id encrypted, as the intake keeps it


def test_a_blocked_tipster_without_a_conversation_is_handed_to_the_intake(
    turns, threaded, intake, engine
):
    ref, _ = submit(Tipster(intake, user_id="loop-9", language_hint="zh-hans"))
    CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="flooding the line")
    with Session(engine) as session:  # the conversation gone since (the drafts' sweeper)
        session.exec(delete(Conversation))
        session.commit()
    threaded.clear()

    tipster = on_the_loop(turns, user_id="loop-9", language_hint="zh-hans")
    tipster.says("/start")

    assert tipster.text == "谢谢，你的消息已收到。" and threaded == ["start"]


def test_a_blocked_tipster_is_handed_to_the_intake(turns, threaded, intake, engine):
    ref, _ = submit(Tipster(intake, user_id="loop-5", language_hint="zh-hans"))
    tipster = on_the_loop(turns, user_id="loop-5", language_hint="zh-hans")
    tipster.says("/start")
    tipster.taps("other")  # the state this process stored last is known
    CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="flooding the line")
    threaded.clear()

    tipster.says("你们都是骗子")

    assert tipster.text == "谢谢，你的消息已收到。" and threaded == ["你们都是骗子"]


@pytest.fixture
def saved_at_once(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each turn on a known state was stored by its one statement."""
    outcomes: list[bool] = []
    save = quick_turn_module.save_if_unchanged_on

    async def watched(*args: Any, **kwargs: Any) -> bool:
        outcomes.append(await save(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(quick_turn_module, "save_if_unchanged_on", watched)
    return outcomes


def test_a_known_state_is_stored_in_one_statement(turns, threaded, saved_at_once):
    tipster = on_the_loop(turns, user_id="loop-7", language_hint="en")
    tipster.says("/start")  # a new conversation: created and locked, three round trips
    tipster.taps("Other information (traffickers, buyers, places)")  # known: one
    tipster.taps("Continue")
    tipster.says("Kunming bus station")

    assert saved_at_once == [True, True, True] and tipster.step == "when"
    assert tipster.draft["where"]["text"] == "Kunming bus station"


def test_a_state_changed_elsewhere_is_read_again_not_overwritten(
    turns, threaded, intake, saved_at_once
):
    tipster = on_the_loop(turns, user_id="loop-8", language_hint="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")  # known: the question "where"
    elsewhere = Tipster(intake, user_id="loop-8", language_hint="en")  # another process
    elsewhere.says("Kunming bus station")  # now at "when"
    tipster.replies = elsewhere.replies  # the same chat: the question "when" on screen

    tipster.taps("Yesterday")

    assert saved_at_once == [True, True, False]  # the known state was stale: nothing written
    assert tipster.draft["where"]["text"] == "Kunming bus station"
    assert tipster.draft["when"]["choice"] == "yesterday" and tipster.step == "details"


def test_a_lost_connection_falls_back_to_the_thread_then_the_loop_again(turns, threaded, engine):
    tipster = on_the_loop(turns, user_id="loop-6", language_hint="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    threaded.clear()
    with engine.connect() as connection:  # the server ends every other session of ours
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()

    tipster.taps("Continue")
    tipster.says("Kunming bus station")

    assert threaded == ["continue"] and tipster.step == "when"
    with Session(engine) as session:
        keys = session.exec(select(Delivery.delivery_key).order_by(col(Delivery.id))).all()
    assert len(keys) == len(set(keys)) == 4
