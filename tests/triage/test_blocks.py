"""A lead blocks a tipster who floods the line, by blind index; the block is recorded and lifted."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlmodel import Session, col, select

from handlers import InboundKind
from storage import OutboxItem, RelayMessage, ReportEvent, Role
from storage.coordinators import find_coordinator
from storage.reports import get_report
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, event_log, tip
from tests.triage.test_workflow import submit
from triage.export import export_tip
from triage.workflow import WorkflowError

NEUTRAL = "谢谢，你的消息已收到。"


def events(engine, ref: str, action: str) -> list[ReportEvent]:
    with Session(engine) as session:
        statement = select(ReportEvent).where(
            ReportEvent.report_id == tip(engine, ref).id, ReportEvent.action == action
        )
        return list(session.exec(statement))


def kept(engine) -> list[RelayMessage]:
    with Session(engine) as session:
        return list(session.exec(select(RelayMessage).order_by(col(RelayMessage.id))))


def test_a_blocked_tipster_gets_a_neutral_answer_and_what_they_send_is_kept_marked(
    tipster: Tipster, intake, engine, cipher
):
    ref, _ = submit(tipster)
    lee = CoordinatorActor(engine, "lee", Role.LEAD)
    lee.blocks(ref, reason="forty false reports in an hour, abusive")

    tipster.says("/start")
    assert tipster.text == NEUTRAL and not tipster.question.choices
    tipster.says("你们都是骗子")
    assert tipster.text == NEUTRAL
    tipster.sends_photo("photo-x")
    assert tipster.text == NEUTRAL
    messages = kept(engine)
    assert [(m.body, m.blocked, m.report_id) for m in messages] == [
        ("/start", True, tip(engine, ref).id),
        ("你们都是骗子", True, tip(engine, ref).id),
        ("", True, tip(engine, ref).id),
    ]
    with Session(engine) as session:  # coordinators are not called for these
        assert [o.job for o in session.exec(select(OutboxItem))].count("tipster_replied") == 0

    with Session(engine) as session:  # a referral package says so too
        package = export_tip(
            session=session,
            report=get_report(session=session, ref=ref),
            coordinator=find_coordinator(session=session, name="lee"),
            cipher=cipher,
            tz=UTC,
        )
        session.commit()
    assert [m["sent_while_blocked"] for m in package["tipster_messages"]] == [True] * 3

    other = Tipster(intake, user_id="someone-else", language_hint="zh-hans")
    other.says("/start")
    assert other.text != NEUTRAL and other.question.choices  # only that chat is blocked

    [blocked] = events(engine, ref, "tipster_blocked")
    assert (blocked.actor, blocked.detail) == (
        "lee",
        {"reason": "forty false reports in an hour, abusive"},
    )
    assert tipster.user_id not in str(blocked.detail)  # who they are is never shown

    lee.unblocks(ref)
    assert ("lee", "tipster_unblocked") in event_log(engine, ref)
    tipster.says("/start")
    assert tipster.text != NEUTRAL and tipster.question.choices  # the interview again


def test_a_re_delivered_message_from_a_blocked_tipster_is_kept_once(tipster, engine):
    ref, _ = submit(tipster)
    CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="abuse")
    tipster.says("spam")
    tipster.send(InboundKind.TEXT, text="spam", delivery_id=tipster.last_delivery)  # again
    assert tipster.text == NEUTRAL
    assert len(kept(engine)) == 1


def test_only_leads_block_and_unblock_and_a_block_needs_a_reason(tipster, engine):
    ref, _ = submit(tipster)
    alice, lee = CoordinatorActor(engine, "alice"), CoordinatorActor(engine, "lee", Role.LEAD)
    with pytest.raises(WorkflowError, match="only a lead can block") as refused:
        alice.blocks(ref, reason="abuse")
    assert refused.value.text("zh_CN") == "只有负责人才能屏蔽或解除屏蔽举报人"
    with pytest.raises(WorkflowError, match="needs a reason"):
        lee.blocks(ref, reason="  ")
    with pytest.raises(WorkflowError, match="is not blocked"):
        lee.unblocks(ref)
    lee.blocks(ref, reason="abuse")
    with pytest.raises(WorkflowError, match="already blocked"):
        lee.blocks(ref, reason="abuse again")
    with pytest.raises(WorkflowError, match="only a lead"):
        alice.unblocks(ref)
    tipster.says("hello")
    assert tipster.text == NEUTRAL
    assert [a for _, a in event_log(engine, ref)].count("tipster_blocked") == 1


def test_a_tipster_whose_data_was_deleted_cannot_be_blocked(tipster, engine):
    ref, _ = submit(tipster)
    tipster.says("/delete")
    tipster.taps("delete")
    with pytest.raises(WorkflowError, match="has no tipster chat to block"):
        CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="abuse")
