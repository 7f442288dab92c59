"""Re-deliveries, events, commands typed in Chinese and messages the interview can't read."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers import Inbound, Reply
from storage import Conversation
from tests.bot.wechat_helpers import (
    WeChatTipster,
    WeChatWorld,
    conversations_locked,
    row_counts,
)


def state(engine: Engine) -> dict[str, object]:
    """The (only) conversation's interview state."""
    with Session(engine) as session:
        return session.exec(select(Conversation)).one().state


def at_kind_question(tipster: WeChatTipster) -> None:
    """Start a report; the tipster is asked what they want to report."""
    assert "你想报告什么" in tipster.says("/start")


def test_a_message_delivered_four_times_has_one_effect_and_the_same_reply(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    at_kind_question(tipster)
    choose_sighting = tipster.sender.text("1", openid=tipster.openid)  # WeChat keeps its MsgId

    replies = [world.post(choose_sighting) for _ in range(4)]

    assert [r.status for r in replies] == [200] * 4
    assert len({r.content for r in replies}) == 1 and "安全第一" in replies[0].content
    assert state(engine)["step"] == "safety"  # a second effect would have moved on to "where"
    assert row_counts(engine)["delivery"] == 2


def test_concurrent_deliveries_of_a_first_message_have_one_effect(
    world: WeChatWorld, engine: Engine
) -> None:
    hello = world.sender.text("你好")  # a new follower: the conversation row doesn't exist yet

    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: world.post(hello), range(4)))

    assert [r.status for r in replies] == [200] * 4
    assert len({r.content for r in replies}) == 1 and "你想报告什么" in replies[0].content
    assert row_counts(engine) == {"conversation": 1, "delivery": 1, "report": 0}


def test_copies_arriving_together_share_one_run_of_the_interview(
    world: WeChatWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tipster = world.tipster()
    at_kind_question(tipster)
    runs: list[str | None] = []
    handle = world.svc.intake.handle

    def counted(inbound: Inbound) -> list[Reply]:
        runs.append(inbound.delivery_id)
        return handle(inbound)

    monkeypatch.setattr(world.svc.intake, "handle", counted)
    arrived = threading.Semaphore(0)
    answer = world.channel._answer

    async def arriving(inbound: Inbound, started: float) -> list[str] | None:
        arrived.release()
        return await answer(inbound, started)

    monkeypatch.setattr(world.channel, "_answer", arriving)
    choose_sighting = tipster.sender.text("1", openid=tipster.openid)
    with ThreadPoolExecutor(4) as pool:
        with conversations_locked(engine):  # the first copy's run waits; the others arrive
            posted = [pool.submit(world.post, choose_sighting) for _ in range(4)]
            for _ in posted:
                assert arrived.acquire(timeout=30), "a copy never reached the channel"
        replies = [future.result() for future in posted]

    assert [r.status for r in replies] == [200] * 4
    assert len({r.content for r in replies}) == 1 and "安全第一" in replies[0].content
    assert len(runs) == 1  # one interview step for the four, not four replays of it


def test_following_the_account_greets_and_offers_a_report(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    follow = tipster.sender.subscribe(openid=tipster.openid)

    greetings = [world.post(follow).content for _ in range(2)]  # WeChat retried the event
    unfollow = world.post(tipster.sender.unsubscribe(openid=tipster.openid))

    assert greetings[0] == greetings[1]
    assert "欢迎来到「回家线」" in greetings[0] and "1. 我看到一个可能被拐的孩子" in greetings[0]
    assert unfollow.status == 200 and unfollow.body == b"success"
    assert row_counts(engine)["delivery"] == 1
    assert state(engine)["step"] == "kind"


def test_menu_clicks_and_other_events(world: WeChatWorld, engine: Engine) -> None:
    sender = world.sender
    world.post(sender.subscribe())

    help_click = world.post(sender.click("help"))
    other_click = world.post(sender.click("NEWS_2026"))
    location_report = world.post(sender.event("LOCATION"))

    assert "「回家线」接收关于可能被拐儿童的线索" in help_click.content
    assert other_click.body == location_report.body == b"success"
    assert row_counts(engine)["delivery"] == 2


@pytest.mark.parametrize("message", ["link", "sticker", "emoticon", "miniprogrampage"], ids=str)
def test_messages_the_interview_cannot_read_get_a_kind_explanation(
    world: WeChatWorld, engine: Engine, message: str
) -> None:
    tipster = world.tipster()
    at_kind_question(tipster)
    sender = tipster.sender
    xml = {
        "link": sender.link("寻人启事", "转发", "https://example.com/a"),
        "sticker": sender.sticker(),
    }.get(message) or sender.unsupported(message)

    reply = tipster.sends(xml)

    assert reply.startswith("抱歉，这里无法识别这类消息") and "你想报告什么" in reply
    assert state(engine)["step"] == "kind"


def test_commands_can_be_typed_with_a_slash_or_as_chinese_words(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    at_kind_question(tipster)

    assert "指令：/start" in tipster.says("帮助")
    tipster.says("1")
    tipster.says("继续")
    assert "发送位置" in tipster.reply
    assert "安全第一" in tipster.says("返回")
    assert state(engine)["step"] == "safety"
    assert "请选择语言" in tipster.says("语言")
    assert "已切换为中文" in tipster.says("1")
    assert "请选择其中一个选项" in tipster.says("我需要帮助")  # not the whole message: an answer
    assert "已取消" in tipster.says("取消。")
    assert "你想报告什么" in tipster.says("开始")
    assert "你想报告什么" in tipster.says("／start")  # full-width slash of Chinese keyboards
