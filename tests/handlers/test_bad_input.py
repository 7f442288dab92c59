"""Bad input always gets a clear, kind answer and the interview goes on."""

from __future__ import annotations

from handlers import InboundKind
from tests.stories import Tipster


def reach(tipster: Tipster, step: str) -> None:
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")
    answers = {"where": "北京", "when": "昨天", "presence": "1", "child_sex": "1"}
    for name, answer in answers.items():
        if tipster.step == step:
            return
        assert tipster.step == name
        tipster.says(answer)
    assert tipster.step == step


def test_a_sticker_where_text_is_needed(tipster):
    reach(tipster, "where")
    tipster.sends_sticker()
    assert "无法识别" in tipster.text and tipster.step == "where"


def test_an_answer_over_the_length_limit(tipster):
    reach(tipster, "where")
    tipster.says("很" * 600)
    assert "太长" in tipster.text and "500" in tipster.text and tipster.step == "where"


def test_an_unparseable_date_and_a_future_date(tipster):
    reach(tipster, "when")
    tipster.says("香蕉")
    assert "没看懂这个时间" in tipster.text and tipster.step == "when"
    tipster.says("2099-01-01")
    assert "未来" in tipster.text and tipster.step == "when"
    tipster.says("3天前")
    assert tipster.step == "presence"


def test_an_age_of_forty(tipster):
    reach(tipster, "child_age")
    tipster.says("40")
    assert "17" in tipster.text and tipster.step == "child_age"
    tipster.says("不知道几岁")
    assert tipster.step == "child_age"
    tipster.says("十二三岁")
    assert tipster.step == "child_looks"


def test_an_invalid_phone_number_says_what_is_wrong(english_tipster):
    tipster = english_tipster
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    tipster.says("Guiyang")
    tipster.taps("Today")
    tipster.says("details")
    tipster.taps("Done")
    tipster.taps("Leave a phone number")
    tipster.says("call me")
    assert "doesn't look like a phone number" in tipster.text
    tipster.says("123")
    assert "too few or too many digits" in tipster.text
    tipster.says("12345678901")
    assert tipster.step == "phone"
    tipster.shares_contact("+8613800138000")
    assert tipster.step == "review"


def test_an_unknown_or_stale_button(tipster):
    reach(tipster, "presence")
    tipster.send(
        tipster.question.__class__ and __import__("handlers").InboundKind.CHOICE,
        text="boy",
        step="child_sex",
    )
    assert "之前的问题" in tipster.text and tipster.step == "presence"
    tipster.send(__import__("handlers").InboundKind.CHOICE, text="bogus", step="presence")
    assert tipster.step == "presence"
    tipster.says("7")
    assert "请选择其中一个选项" in tipster.text


def test_a_photo_sent_early_is_kept(tipster):
    reach(tipster, "where")
    tipster.sends_photo("early-photo")
    assert "已收到" in tipster.text and tipster.step == "where"


def test_a_flooding_chat_is_slowed_down_kindly_and_others_are_not(tipster, english_tipster):
    tipster.says("/start")
    for _ in range(70):
        tipster.says("/help")
    assert "太快" in tipster.text
    english_tipster.says("/start")
    assert english_tipster.step == "kind"


def test_a_superscript_digit_is_not_a_number_but_gets_a_kind_answer(tipster):
    reach(tipster, "presence")
    tipster.says("²")
    assert "请选择其中一个选项" in tipster.text and tipster.step == "presence"
    tipster.says("１")  # a full-width digit is a number
    assert tipster.step == "child_sex"


def test_a_nul_character_in_an_answer_does_not_block_the_report(english_tipster, engine):
    from sqlmodel import Session, select

    from storage import Report

    tipster = english_tipster
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.says("Chengdu\x00 East station")
    tipster.taps("today")
    tipster.says("details")
    tipster.taps("done")
    tipster.taps("anonymous")
    tipster.taps("submit")
    assert "Reference code" in tipster.text
    with Session(engine) as session:
        assert session.exec(select(Report)).one().place_text == "Chengdu East station"


def test_an_edited_message_changes_no_answer_and_the_question_is_asked_again(english_tipster):
    tipster = english_tipster
    edited = tipster.send(InboundKind.EDITED)  # before any report: only how edits work
    assert "Edits are not read" in edited[-1].text and tipster.step is None
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    where = tipster.text
    tipster.send(InboundKind.EDITED)
    assert "Edits are not read" in tipster.text and where in tipster.text
    assert tipster.step == "where"


def test_a_word_that_is_no_option_is_answered_without_naming_buttons(tipster, english_tipster):
    # The console and WeChat have no buttons; the question's own hint says how to answer.
    tipster.says("你好")
    chinese = tipster.says("我不知道")
    english_tipster.says("hello")
    english = english_tipster.says("what?")

    assert "请选择其中一个选项" in chinese[0].text and "按钮" not in chinese[0].text
    assert "choose one of the options" in english[0].text and "button" not in english[0].text
