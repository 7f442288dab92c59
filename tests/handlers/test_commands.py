"""The commands a tipster can send at any time."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import Report
from tests.stories import Tipster, other_information_to_review


def start_sighting(tipster: Tipster) -> None:
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")


def test_help_explains_and_asks_the_same_question_again(tipster):
    start_sighting(tipster)
    tipster.says("/help")
    assert "/cancel" in tipster.text and "110" in tipster.text
    assert tipster.step == "where"


def test_cancel_deletes_the_draft(tipster, engine):
    start_sighting(tipster)
    tipster.says("上海虹桥火车站")
    tipster.says("/cancel")
    assert "草稿已删除" in tipster.text
    tipster.says("/start")
    assert tipster.step == "kind"  # no resume offered: nothing was kept
    with Session(engine) as session:
        assert session.exec(select(Report)).all() == []


def test_back_returns_to_the_previous_question(tipster):
    start_sighting(tipster)
    tipster.says("上海")
    assert tipster.step == "when"
    tipster.says("/back")
    assert tipster.step == "where"
    tipster.says("/back")
    assert tipster.step == "safety"
    tipster.says("/back")
    assert tipster.step == "safety" and "第一个问题" in tipster.text


def test_skip_only_works_on_optional_questions(tipster):
    start_sighting(tipster)
    tipster.says("/skip")
    assert tipster.step == "where" and "不能跳过" in tipster.text


def test_language_can_be_switched_mid_report(tipster):
    start_sighting(tipster)
    tipster.says("/language")
    tipster.taps("English")
    assert tipster.step == "where"
    assert "Where did you see the child?" in tipster.text


def test_start_offers_to_resume_an_unfinished_report(tipster):
    start_sighting(tipster)
    tipster.says("广州")
    tipster.says("/start")
    assert tipster.step == "resume"
    tipster.taps("继续填写")
    assert tipster.step == "when"
    tipster.says("/start")
    tipster.taps("重新开始")
    assert tipster.step == "kind"


def test_unknown_command_is_explained(tipster):
    start_sighting(tipster)
    tipster.says("/foo")
    assert "不认识这个指令" in tipster.text and tipster.step == "where"


def test_change_one_answer_from_the_review(english_tipster):
    tipster = english_tipster
    other_information_to_review(tipster)
    tipster.taps("Change something")
    tipster.taps("Contact")
    tipster.taps("Leave a phone number")
    assert tipster.step == "phone"
    tipster.says("+1 202 555 0143")
    assert tipster.step == "review" and "+1 202***0143" in tipster.question.text
    tipster.taps("Change something")
    tipster.taps("Place")
    tipster.says("Kunming South bus station")
    assert tipster.step == "review" and "Kunming South" in tipster.question.text


def test_the_part_to_change_can_be_typed_in_words(english_tipster, tipster, caplog):
    for person, answers, part, asked in (
        (english_tipster, ["Kunming", "Yesterday", "A woman", "Done", "Stay anonymous"],
         "place", "Which place"),
        (tipster, ["昆明", "昨天", "一个女人", "完成", "保持匿名"], "详细情况", "相关人员"),
    ):  # fmt: skip
        person.says("/start")
        person.taps("other")
        person.taps("continue")
        for answer in answers:
            person.says(answer)
        assert person.step == "review"
        person.says(person.question.choices[1].label)  # "Change something", typed
        person.says(part)
        assert person.step != "edit" and asked in person.text
    assert "catalogue key missing" not in caplog.text
