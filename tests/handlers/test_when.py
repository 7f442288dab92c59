"""Reading when something happened, as tipsters type it in Chinese and English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.answers import AnswerError, parse_birth, parse_when

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_5PM = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 17:00 on Monday 30 November in China
MONDAY_9AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def local(text: str, now: datetime = MONDAY_5PM) -> str:
    """The moment read from `text`, as a Chinese wall clock shows it."""
    return (
        parse_when(text, now=now, timezone="Asia/Shanghai")
        .astimezone(SHANGHAI)
        .strftime("%Y-%m-%d %H:%M")
    )


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        # A day and a time of day, in words or digits.
        ("昨天下午三点", "2026-11-29 15:00"),
        ("昨天下午3点", "2026-11-29 15:00"),
        ("大概昨天下午四点左右", "2026-11-29 16:00"),
        ("昨天下午三点多", "2026-11-29 15:00"),
        ("昨天晚上8点半", "2026-11-29 20:30"),
        ("昨天晚上十二点", "2026-11-30 00:00"),
        ("昨晚", "2026-11-29 20:00"),
        ("今天早上", "2026-11-30 08:00"),
        ("前天中午", "2026-11-28 12:00"),
        ("昨天中午1点", "2026-11-29 13:00"),
        ("就是昨天上午十点", "2026-11-29 10:00"),
        ("大前天早上7点", "2026-11-27 07:00"),
        ("昨天15:30", "2026-11-29 15:30"),
        ("昨天 15：30", "2026-11-29 15:30"),  # full-width colon, a space
        # A day alone: its noon.
        ("昨天", "2026-11-29 12:00"),
        ("两天前", "2026-11-28 12:00"),
        ("3天前", "2026-11-27 12:00"),
        ("一周前", "2026-11-23 12:00"),
        ("3个月前", "2026-08-30 12:00"),
        ("上周", "2026-11-23 12:00"),
        ("上周二", "2026-11-24 12:00"),
        ("上星期天", "2026-11-29 12:00"),
        ("周六", "2026-11-28 12:00"),
        ("星期一", "2026-11-30 12:00"),  # today is Monday
        ("11月28日", "2026-11-28 12:00"),
        ("十一月二十八日", "2026-11-28 12:00"),
        ("12月3号", "2025-12-03 12:00"),  # still to come this year: last year's
        ("28号", "2026-11-28 12:00"),
        ("2019年6月1日", "2019-06-01 12:00"),
        ("二〇一九年六月一日", "2019-06-01 12:00"),
        # Hedged, approximate, or inside a sentence, as people say it.
        ("两三天前", "2026-11-28 12:00"),  # not 23 days
        ("十五六天前", "2026-11-15 12:00"),
        ("几天前", "2026-11-27 12:00"),
        ("一个多月前", "2026-10-30 12:00"),
        ("半年前", "2026-05-30 12:00"),
        ("两个小时前", "2026-11-30 15:00"),
        ("昨天吧", "2026-11-29 12:00"),
        ("应该是昨天下午大概三点多", "2026-11-29 15:00"),
        ("我是昨天下午大概三点多在火车站看到的", "2026-11-29 15:00"),
        ("上周末", "2026-11-28 12:00"),
        ("上上周", "2026-11-16 12:00"),
        ("去年12月", "2025-12-15 12:00"),
        ("上个月20号", "2026-10-20 12:00"),
        ("11.28", "2026-11-28 12:00"),  # a date, as Chinese write them, not 11:28
        ("昨天夜里两点", "2026-11-30 02:00"),  # the night after yesterday, not 14:00
        ("今年春天", "2026-04-15 12:00"),
        ("去年过年的时候", "2025-02-01 12:00"),
        ("我昨天看到一个小孩", "2026-11-29 12:00"),
        ("1.5天前", "2026-11-29 05:00"),  # 36 hours (dateparser's), not "5天前"
        ("一个半小时前", "2026-11-30 15:30"),
        ("一个半月前", "2026-10-15 12:00"),
        ("20/11", "2026-11-20 12:00"),  # day first
        ("11/5/25", "2025-11-05 12:00"),  # not "5/25"
        ("midnight", "2026-11-30 00:00"),  # not noon
        ("三點", "2026-11-30 15:00"),  # traditional characters
        ("昨天下午兩點半", "2026-11-29 14:30"),
        # A year, or a year and month (an adult searching for their family).
        ("98年", "1998-07-01 12:00"),  # not 1928
        ("08年", "2008-07-01 12:00"),
        ("1998年", "1998-07-01 12:00"),
        ("1998", "1998-07-01 12:00"),
        ("1998年6月", "1998-06-15 12:00"),
        # A time of day alone: the last such moment.
        ("下午3点", "2026-11-30 15:00"),
        ("3点", "2026-11-30 15:00"),
        ("0点", "2026-11-30 00:00"),  # not noon
        ("晚上8点", "2026-11-29 20:00"),
        ("刚才", "2026-11-30 17:00"),
        # What dateparser already read stays read.
        ("2026-11-28", "2026-11-28 12:00"),
        ("3小时前", "2026-11-30 14:00"),
        ("yesterday 3pm", "2026-11-29 15:00"),
        ("last Tuesday evening", "2026-11-24 18:00"),
        ("yesterday around 3pm", "2026-11-29 15:00"),  # hedged in English
        ("around 3pm", "2026-11-30 15:00"),
        ("maybe last Friday", "2026-11-27 12:00"),
        ("right now", "2026-11-30 17:00"),
    ],
)
def test_a_moment_typed_the_way_people_say_it(text: str, moment: str) -> None:
    assert local(text) == moment


def test_this_year_alone_is_not_in_the_future() -> None:
    march = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)
    assert parse_when("今年", now=march, timezone="Asia/Shanghai") == march
    assert parse_when("2026", now=march, timezone="Asia/Shanghai") == march


def test_a_time_of_day_still_to_come_today_means_yesterday() -> None:
    assert local("下午3点", MONDAY_9AM) == "2026-11-29 15:00"
    assert local("凌晨3点", MONDAY_9AM) == "2026-11-30 03:00"
    assert local("12点", MONDAY_9AM) == "2026-11-30 00:00"  # the latest 12 o'clock: midnight


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("15年", (date(2015, 7, 1), True)),
        ("大概1998年", (date(1998, 7, 1), True)),
        ("2015年出生的", (date(2015, 7, 1), True)),
        ("二〇一五年三月二号", (date(2015, 3, 2), False)),
        ("around 1998", (date(1998, 7, 1), True)),
        ("2015-03-02", (date(2015, 3, 2), False)),
    ],
)
def test_a_birth_date_or_year(text: str, born: tuple[date, bool]) -> None:
    assert parse_birth(text, now=MONDAY_5PM) == born


@pytest.mark.parametrize("text", ["3月5日", "下午3点", "2015年13月", "0001-01-01"])
def test_a_birth_date_needs_a_year_that_exists(text: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_birth(text, now=MONDAY_5PM)
    assert refused.value.args[0] == "error.birth_unparsed"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("香蕉", "error.when_unparsed"),
        ("2月30日", "error.when_unparsed"),  # no such day: not guessed at
        ("25点", "error.when_unparsed"),
        ("1998年28日", "error.when_unparsed"),
        ("2099年", "error.when_future"),
        ("今晚", "error.when_future"),
        ("这周二", "error.when_future"),  # today is Monday
        ("明天", "error.when_future"),
        ("1800年", "error.when_unparsed"),
        ("0001-01-01", "error.when_unparsed"),  # dateparser overflowed on this
        ("3号线地铁站", "error.when_unparsed"),  # a bare day number inside a sentence
        ("记不清几点了", "error.when_unparsed"),
        ("国庆节下午3点", "error.when_unparsed"),  # a day we can't read: not today
        ("那天下午三点", "error.when_unparsed"),
        (
            "下周一",
            "error.when_unparsed",
        ),  # not last Monday  # 几点: the hour is what they don't know
        ("昨天在车站，大概下午3点", "error.when_unparsed"),  # two moments: asked again
    ],
)
def test_what_cant_be_right_is_asked_again(text: str, error: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_when(text, now=MONDAY_5PM, timezone="Asia/Shanghai")
    assert refused.value.args[0] == error
