"""Reading a child's apparent age as tipsters type it."""

from __future__ import annotations

import pytest

from handlers.answers import MAX_AGE, AnswerError, parse_age


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("5岁", (5, 5)),
        ("五六岁", (5, 6)),
        ("四五岁吧", (4, 5)),
        ("十二三岁", (12, 13)),
        ("十五六岁", (15, 16)),
        ("十几岁", (11, MAX_AGE)),
        ("10岁以下", (0, 10)),
        ("不到6岁", (0, 6)),
        ("8个月", (0, 1)),
        ("婴儿", (0, 1)),
        ("5到6岁", (5, 6)),
        ("about 5-7", (5, 7)),
        ("under 6", (0, 6)),
        ("女孩大概七岁，跟着一个男的", (7, 7)),  # only the numbers of the age
        ("6岁，穿着3件衣服", (6, 6)),
        ("十来岁", (11, MAX_AGE)),
        ("十幾歲", (11, MAX_AGE)),
        ("十七八岁", (17, MAX_AGE)),
        ("12岁以上", (12, 15)),
        ("一年级", (6, 7)),
        ("18个月", (1, 2)),
        ("新生儿", (0, 1)),
        ("小学生", (6, 12)),
        ("she was about 6 years old, with 2 men", (6, 6)),
        ("6 months old", (0, 1)),
        ("1.5岁", (1, 1)),
        ("初一", (12, 13)),
        ("3rd grade", (8, 9)),
        ("teenager", (13, MAX_AGE)),
        ("4岁到6岁之间", (4, 6)),
        ("6，7岁", (6, 7)),
        ("孩子五岁，大人三十多岁", (5, 5)),  # the adult's 几/多 is not the child's
        ("幼儿园", (3, 6)),
        ("个子很高 五岁", (5, 5)),  # 很高: tall, not 高五 (senior high)
        ("younger than 5 years", (0, 5)),
    ],
)
def test_an_age_or_a_range(text: str, ages: tuple[int, int]) -> None:
    assert parse_age(text) == ages


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("不知道", "error.age_unparsed"),
        ("二十几岁", "error.age_range"),
        ("30", "error.age_range"),
        ("1 2 3", "error.age_unparsed"),
        ("个子1米2左右", "error.age_unparsed"),  # a height
        ("2019年5月出生", "error.age_unparsed"),  # a date
        ("eighteen", "error.age_unparsed"),  # not "teen"
        ("十" * 1000, "error.age_unparsed"),  # no longer a minute of regex backtracking
    ],
)
def test_what_is_not_a_childs_age_is_asked_again(text: str, error: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_age(text)
    assert refused.value.args[0] == error
