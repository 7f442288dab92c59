"""A blocked tipster on Telegram or WeChat: a neutral answer, their messages kept and marked."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import RelayMessage, Role
from tests.bot.telegram_helpers import RunningBot, TelegramTipster
from tests.bot.test_wechat_relay import submit_on_wechat
from tests.bot.wechat_helpers import WeChatWorld
from tests.fakes.telegram_updates import UpdateFactory
from tests.stories import receipt_ref
from tests.triage.coordinators import CoordinatorActor

NEUTRAL = "谢谢，你的消息已收到。"
TIPSTER = 5550077


def kept(engine: Engine) -> list[tuple[str, bool]]:
    with Session(engine) as session:
        return [(m.body, m.blocked) for m in session.exec(select(RelayMessage))]


def test_a_blocked_telegram_tipster_gets_a_neutral_answer(
    bot: RunningBot, updates: UpdateFactory, engine: Engine
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    tipster.taps("其他线索（人贩子、买家、地点）")
    tipster.taps("继续")
    tipster.says("昆明汽车站")
    tipster.taps("今天")
    tipster.says("有人打听买小孩")
    for label in ("完成", "保持匿名", "提交"):
        tipster.taps(label)
    ref = receipt_ref(tipster.text)
    CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="abuse")

    assert tipster.says("/start").text == NEUTRAL
    assert tipster.says("骗子").text == NEUTRAL
    assert kept(engine) == [("/start", True), ("骗子", True)]


@pytest.mark.parametrize("world", ["safe"], indirect=True)
def test_a_blocked_wechat_tipster_gets_a_neutral_answer(world: WeChatWorld, engine: Engine):
    ref = submit_on_wechat(world)
    CoordinatorActor(engine, "lee", Role.LEAD).blocks(ref, reason="forty false reports")
    assert world.tipster().says("开始") == NEUTRAL
    assert kept(engine) == [("/start", True)]  # 开始 is the start command
