"""A coordinator asks a WeChat tipster a question; the answer comes back to the tip."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.worker import run_worker
from storage import RelayMessage, ReportEvent
from tests.bot.wechat_helpers import OPENID, WeChatWorld
from tests.triage.coordinators import CoordinatorActor

pytestmark = pytest.mark.parametrize("world", ["safe"], indirect=True)  # safe mode only


def submit_on_wechat(world: WeChatWorld) -> str:
    tipster = world.tipster()
    for words in ("你好", "4", "1", "昆明汽车站", "今天", "有人打听买小孩", "1", "1"):
        tipster.says(words)
    receipt = tipster.says("提交")
    world.channel.wait_for_queueing()  # its follow-up work, queued after the reply
    return "HW-" + receipt.split("报告编号：HW-")[1].split()[0]


def test_a_wechat_tipster_answers_a_coordinator_without_either_being_named(
    world: WeChatWorld, engine: Engine
) -> None:
    ref = submit_on_wechat(world)
    alice = CoordinatorActor(engine, "alice", queue=world.svc.queue)
    alice.claims(ref)
    alice.asks(ref, "车是什么颜色的？")
    run_worker(world.svc, burst=True)

    (message,) = world.api.customer_messages(OPENID)
    text = message["text"]["content"]
    assert ref in text and "车是什么颜色的？" in text and "alice" not in text

    reply = world.tipster().says("白色面包车")
    assert "内容已加入你的报告" in reply
    with Session(engine) as session:
        answer = session.exec(
            select(RelayMessage).where(RelayMessage.direction == "from_tipster")
        ).one()
        actions = [e.action for e in session.exec(select(ReportEvent))]
    assert answer.body == "白色面包车"
    assert "relay_delivered" in actions and "tipster_replied" in actions


def test_a_question_outside_the_48_hour_window_is_recorded_not_retried(
    world: WeChatWorld, engine: Engine
) -> None:
    ref = submit_on_wechat(world)
    alice = CoordinatorActor(engine, "alice", queue=world.svc.queue)
    alice.claims(ref)
    world.api.fail_send(45015)
    alice.asks(ref, "还在吗？")
    run_worker(world.svc, burst=True)
    with Session(engine) as session:
        relay = session.exec(select(RelayMessage)).one()
        actions = [e.action for e in session.exec(select(ReportEvent))]
    assert relay.delivered_at is None and relay.failure and "45015" in relay.failure
    assert "relay_failed" in actions
