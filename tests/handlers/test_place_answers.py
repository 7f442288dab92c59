"""A place answer that names nothing we know is asked again once, kindly, with an example;
"I don't know" is an answer, a second try is taken as typed, a pin always works."""

from __future__ import annotations

from tests.stories import Tipster


def at_where(tipster: Tipster) -> None:
    tipster.starts()
    assert tipster.step == "where"


def test_junk_is_asked_again_once_and_then_taken_as_typed(tipster):
    at_where(tipster)
    tipster.says("🙂🙂🙂")
    assert tipster.step == "where" and "where" not in tipster.draft
    assert "没能认出" in tipster.text and "例如" in tipster.text and "不知道" in tipster.text
    assert "你在哪里看到这个孩子" in tipster.text  # the question again, with its pin button
    assert tipster.question.accepts_location

    tipster.says("🙂🙂")
    assert tipster.step == "when"
    assert tipster.draft["where"]["text"] == "🙂🙂" and tipster.draft["where"]["province"] is None


def test_the_first_words_are_kept_when_the_second_try_names_the_city(tipster):
    at_where(tipster)
    tipster.says("菜市场门口")
    assert tipster.step == "where"
    tipster.says("东莞")
    where = tipster.draft["where"]
    assert where["text"] == "菜市场门口；东莞" and where["city"] == "东莞市"


def test_i_dont_know_is_an_answer(tipster, english_tipster):
    at_where(tipster)
    tipster.says("不知道")
    assert tipster.step == "when" and tipster.draft["where"]["text"] == "不知道"
    at_where(english_tipster)
    english_tipster.says("I don't know.")
    assert english_tipster.step == "when"


def test_a_pin_after_a_doubted_answer_is_taken(tipster):
    at_where(tipster)
    tipster.says("那边")
    tipster.sends_location(30.6586, 104.0648)
    assert tipster.step == "when" and tipster.draft["where"]["province"] == "四川"


def test_the_home_town_is_asked_again_the_same_way(intake):
    family = Tipster(intake, user_id="family", language_hint="en")
    family.starts("missing_child")
    for answer in ("Li Yong", "Boy", "2015", "Yesterday", "Chengdu station"):
        family.says(answer)
    assert family.step == "home"
    family.says("???")
    assert family.step == "home" and "For example" in family.text
    family.says("Guang'an, Sichuan")
    assert family.step == "dialect"
