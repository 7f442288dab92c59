"""A WeChat follower reports a sighting in Chinese, by numbered options or by the options' words."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import Attachment, Conversation, FieldCipher, Report
from storage.locations import open_point
from tests.bot.wechat_helpers import (
    OPENID,
    WeChatTipster,
    WeChatWorld,
    stored_rows,
)

# (typed number, typed words) for every choice; plain strings are free-text answers.
SIGHTING = [
    ("1", "我看到一个可能被拐的孩子"),
    ("1", "继续"),
    "四川省成都市火车北站附近的小卖部",
    "3天前",
    ("2", "孩子住在附近"),
    ("1", "男孩"),
    "五六岁",
    "很瘦，左脸有一块胎记",
    "小宝、狗娃",
    "李勇",
    "他说家在河南，想回家找妈妈",
    ("2", "粤语（广东话）"),
    ("1", "是的，不一样"),
    ("1 2", "说想回家，或提到在别处的父母"),
]
SIGHTING_WORDS_ONLY = ["看起来害怕身边的大人"]  # the second tick, when choosing by words
SIGHTING_END = [
    "晚上还在街上卖花",
    ("9", "完成"),
    "一男一女，自称是爸爸妈妈，开白色面包车",
]
CONTACT = [("1", "完成"), ("2", "留下电话号码"), "138 0013 8000"]


def answer(tipster: WeChatTipster, steps: list[tuple[str, str] | str], by: str) -> None:
    """Answer each step: free text as is, choices by number or by words."""
    for step in steps:
        if isinstance(step, str):
            tipster.says(step)
        else:
            tipster.says(step[0] if by == "numbers" else step[1])


def report_a_sighting(tipster: WeChatTipster, by: str) -> str:
    """The whole interview from following the account to the receipt; returns the receipt."""
    greeting = tipster.follows()
    assert "欢迎来到「回家线」" in greeting and "1. 我看到一个可能被拐的孩子" in greeting
    assert "请回复数字" in greeting
    answer(tipster, SIGHTING, by)
    if by == "words":
        answer(tipster, SIGHTING_WORDS_ONLY, by)
    assert "1. ☑ 说想回家" in tipster.reply and "2. ☑ 看起来害怕" in tipster.reply
    answer(tipster, SIGHTING_END, by)
    assert "照片" in tipster.reply or "完成" in tipster.reply
    photo = tipster.world.api.add_media(b"jpeg bytes")
    assert "1" in tipster.sends_image(photo)
    answer(tipster, CONTACT, by)
    review = tipster.reply
    for fragment in ("成都", "小宝、狗娃", "李勇", "粤语", "+86 138****8000", "1. 提交"):
        assert fragment in review
    assert "13800138000" not in review
    return tipster.says("1" if by == "numbers" else "提交")


@pytest.mark.parametrize("by", ["numbers", "words"])
def test_a_follower_reports_a_sighting_in_chinese(
    world: WeChatWorld,
    by: str,
    engine: Engine,
    cipher: FieldCipher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    tipster = world.tipster()

    receipt = report_a_sighting(tipster, by)

    assert "报告编号" in receipt and "密码" in receipt
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
        attachment = session.exec(select(Attachment)).one()
        conversation = session.exec(select(Conversation)).one()
    assert report.ref in receipt and report.channel == "wechat"
    assert (report.province, report.city, report.names_used) == ("四川", "成都市", ["小宝", "狗娃"])
    assert report.dialect == "cantonese" and report.signs == ["wants_home", "afraid"]
    assert report.signs_text == "晚上还在街上卖花" and report.presence == "lives_nearby"
    assert cipher.decrypt(report.contact_phone or "") == "+8613800138000"
    assert cipher.decrypt(report.tipster_ref or "") == OPENID
    assert (attachment.channel, attachment.media_type) == ("wechat", "photo")
    assert attachment.channel_ref.startswith("fake-media-")
    assert conversation.state["step"] is None
    world.channel.wait_for_queueing()  # the follow-up work is queued after the reply
    assert f"follow-up-{report.id}" in world.svc.queue.job_ids  # queued once, by the outbox
    # The OpenID is an identity: encrypted at rest, never logged.
    assert OPENID not in stored_rows(engine)
    app_logs = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert app_logs and not any(OPENID in line for line in app_logs)  # httpx: the test's client


def test_answers_that_look_like_xml_come_back_intact_in_the_review(world: WeChatWorld) -> None:
    tipster = world.tipster()
    tipster.follows()
    place = "成都火车北站]]><![CDATA[ & <b>小卖部</b>"  # "]]>" once ended the reply's CDATA early

    answer(tipster, [*SIGHTING[:2], place, *SIGHTING[3:], *SIGHTING_END], "numbers")
    tipster.says("1")  # no photos
    review = tipster.says("1")  # stay anonymous

    assert f"• 地点：{place}" in review and "1. 提交" in review


def test_a_location_message_answers_where(
    world: WeChatWorld, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = world.tipster()
    tipster.says("/start")
    tipster.says("1")
    tipster.says("继续")
    assert "发送位置" in tipster.reply

    tipster.sends_location(30.6586, 104.0648, label="四川省成都市金牛区")

    assert "什么时候" in tipster.reply
    with Session(engine) as session:
        draft = session.exec(select(Conversation)).one().state["draft"]
    assert (draft["where"]["lat"], draft["where"]["lon"]) == (30.66, 104.06)  # the ~1 km cell
    assert open_point(cipher, draft["where"]["enc"]) == pytest.approx((30.6586, 104.0648))
    assert draft["where"]["province"] == "四川"


def test_at_the_age_options_go_by_letter_and_a_typed_number_is_the_age(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    tipster.follows()
    answer(tipster, SIGHTING[:6], "numbers")

    assert "A. 不确定" in tipster.reply and "数字就是你的答案" in tipster.reply
    assert "1. 不确定" not in tipster.reply
    tipster.says("1")

    assert "描述这个孩子的样子" in tipster.reply
    with Session(engine) as session:
        draft = session.exec(select(Conversation)).one().state["draft"]
    assert draft["child_age"] == {"min": 1, "max": 1, "text": "1"}
