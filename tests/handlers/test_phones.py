"""Reading a tipster's phone number as they type it."""

from __future__ import annotations

import pytest

from handlers.answers import AnswerError, parse_phone


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),  # full-width digits
        ("010-12345678", "+861012345678"),
        ("+44 7911 123456", "+447911123456"),
        ("13812345678（微信同号）", "+8613812345678"),  # words after the number
        ("电话13812345678，晚上打", "+8613812345678"),
        ("王先生13812345678", "+8613812345678"),
        ("座机 010-12345678 手机 13812345678", "+8613812345678"),  # the mobile one
    ],
)
def test_a_number_as_typed(text: str, e164: str) -> None:
    assert parse_phone(text, region="CN") == e164


@pytest.mark.parametrize(
    ("text", "error"), [("不给", "error.phone_unparsed"), ("12345", "error.phone_invalid")]
)
def test_what_is_not_a_number_is_asked_again(text: str, error: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_phone(text, region="CN")
    assert refused.value.args[0] == error
