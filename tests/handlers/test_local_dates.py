"""Dates a tipster reads are on their own clock (HOMEWARD_TIMEZONE), not UTC's: at 07:31 in
Shanghai on 7 December it is still the 6th in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers import Intake
from tests.stories import Tipster, other_information_to_review

SHANGHAI_MORNING = datetime(2026, 12, 6, 23, 31, tzinfo=UTC)  # 07:31 on the 7th in Shanghai


@pytest.fixture
def early_tipster(engine, cipher, config) -> Tipster:
    intake = Intake(engine=engine, cipher=cipher, config=config, clock=lambda: SHANGHAI_MORNING)
    return Tipster(intake, user_id="early", language_hint="en")


def test_the_review_shows_the_dates_of_the_tipsters_day(early_tipster):
    tipster = early_tipster
    other_information_to_review(tipster)
    assert "Yesterday (2026-12-06)" in tipster.question.text

    tipster.taps("Change something")
    tipster.taps("When")
    tipster.says("3 hours ago")
    assert "3 hours ago (2026-12-07)" in tipster.question.text
