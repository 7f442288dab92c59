"""Names heard, as tipsters type them: several in one answer, or none at all."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.answers import split_names
from storage import Report
from tests.handlers.test_sighting_story import report_a_sighting_in_chinese


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("小宝、狗娃", ["小宝", "狗娃"]),
        ("小宝 狗娃", ["小宝", "狗娃"]),  # Chinese names hold no spaces
        ("“小宝” “狗娃”", ["小宝", "狗娃"]),
        ("《小宝》", ["小宝"]),
        ("李 勇", ["李 勇"]),  # one name, spaced out
        ("小宝,乐乐 or Lele", ["小宝", "乐乐", "Lele"]),
        ("Li Yong", ["Li Yong"]),
        ("‘Bao’, “Lele”", ["Bao", "Lele"]),
        ("O’Brien", ["O’Brien"]),
        ("小宝、小宝", ["小宝"]),
        ("他们叫他小宝", ["小宝"]),  # the name, not the sentence around it
        ("大人都喊她妞妞、丫丫", ["妞妞", "丫丫"]),
        ("应该是叫小宝吧", ["小宝"]),
        ("欧阳 娜娜", ["欧阳 娜娜"]),  # a two-character surname, then the given name
        ("Na", ["Na"]),  # a name, not "n/a"
        ("管小明", ["管小明"]),  # 管 the surname, not "管他叫"
    ],
)
def test_names_typed_in_one_answer(text: str, names: list[str]) -> None:
    assert split_names(text) == names


@pytest.mark.parametrize(
    ("used", "given"), [("不知道", "没听到。"), ("Don’t know", "none"), ("记不清了", "N/A")]
)
def test_no_name_heard_is_stored_as_no_answer_not_as_a_name(tipster, engine, used, given):
    report_a_sighting_in_chinese(tipster, names_used=used, names_given=given)
    assert tipster.step == "review"
    assert used not in tipster.question.text and given.rstrip("。") not in tipster.question.text
    tipster.taps("提交")
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
    assert report.names_used == [] and report.names_given == []
