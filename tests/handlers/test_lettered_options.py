"""Where a typed number is itself an answer (an age, a birth year, a date), a typed channel
offers the options by letter: "1" is the age 1, never also "option 1"."""

from __future__ import annotations

from handlers import render_text
from tests.stories import Tipster


def reach_age(tipster: Tipster) -> None:
    tipster.starts()
    for answer in ("北京", "昨天", "孩子住在附近", "男孩"):
        tipster.says(answer)
    assert tipster.step == "child_age"


def test_at_the_age_a_typed_number_is_the_age_and_the_option_is_a_letter(tipster):
    reach_age(tipster)
    shown = render_text(tipster.replies)
    assert "A. 不确定" in shown and "1. 不确定" not in shown
    assert "数字就是你的答案" in shown and "回复数字" not in shown

    tipster.says("1")
    assert tipster.step == "child_looks"
    assert tipster.draft["child_age"] == {"min": 1, "max": 1, "text": "1"}
    tipster.says("/back")
    tipster.says("ａ")  # a full-width letter, as a Chinese keyboard may type it
    assert tipster.step == "child_looks" and tipster.draft["child_age"] == {"unknown": True}


def test_in_english_the_prompt_says_the_same(english_tipster):
    tipster = english_tipster
    tipster.starts()
    tipster.says("Beijing")
    shown = render_text(tipster.replies)
    assert "A. Right now" in shown and "D. This week" in shown
    assert "A number you type is your answer" in shown
    tipster.says("b.")
    assert tipster.step == "presence"
    assert "1. " in render_text(tipster.replies)  # numbers where no number is an answer


def test_a_birth_year_and_a_date_are_never_read_as_options(intake):
    family = Tipster(intake, user_id="family", language_hint="zh")
    family.starts("missing_child")
    family.says("李勇")
    family.taps("男孩")
    assert family.step == "birth_date" and "A. 不确定" in render_text(family.replies)
    family.says("1")  # not "Not sure": a year we can't read, so asked again
    assert family.step == "birth_date" and "出生" in family.text
    family.says("a")
    assert family.step == "when" and family.draft["birth_date"] == {"unknown": True}
    family.says("2")  # not "Today"; nor February, as dateparser reads it: asked again
    assert family.step == "when" and "没看懂这个时间" in family.text
    family.says("B")
    assert family.step == "where" and family.draft["when"]["choice"] == "today"
