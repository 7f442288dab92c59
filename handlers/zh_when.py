"""Chinese ways of saying when, which dateparser misreads or doesn't read at all.

dateparser reads "昨天" and "3天前" but not "昨天下午三点", "昨晚", "11月28日", "上周二" or
"两天前", and reads "1998年" as the year 28 and "28日" as the 2nd. This module reads a day
(今天, 昨晚, 前天, 两天前, 上周二, 周六, 11月28日, 28号, 2026年11月28日, 1998年, 1998年6月) and/or a
time of day (早上, 下午3点, 晚上八点半, 15:30), with "大概 … 左右" around them. Anything else
is left to dateparser.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

__all__ = ["parse_zh_when"]

_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAYS |= {str(n): n - 1 for n in range(1, 8)}
_DAY_WORDS = {"今": 0, "今天": 0, "今日": 0, "昨": 1, "昨天": 1, "昨日": 1}
_DAY_WORDS |= {"前天": 2, "前日": 2, "大前天": 3}
# Parts of the day: the hour they stand for alone, and whether "3点" in them is p.m.
_PARTS = {
    "凌晨": (3, False), "半夜": (0, False), "清早": (7, False), "早晨": (8, False),
    "早上": (8, False), "早": (8, False), "上午": (10, False), "中午": (12, False),
    "午后": (14, True), "下午": (15, True), "傍晚": (18, True), "晚上": (20, True),
    "晚": (20, True), "夜里": (22, True), "夜晚": (22, True), "夜": (22, True),
}  # fmt: skip
_HALF_DAY = timedelta(hours=12)
_JUST_NOW = {"刚才", "刚刚", "现在", "就是现在", "此刻"}
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")  # "1998": a year (a searching adult's answer)

_PART = "|".join(sorted(_PARTS, key=len, reverse=True))
_DAY = (
    r"(?P<word>大前天|前天|前日|今天|今日|昨天|昨日|今|昨)"
    r"|(?P<ago>\d{1,3})(?P<unit>天|日|周|个星期|星期|个礼拜|礼拜|个月)前"
    r"|(?P<lastweek>上个?(?:周|星期|礼拜))(?P<lastday>[一二三四五六日天1-7])?"
    r"|(?P<this>这个?|本)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7])"
    r"|(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月(?:份)?)?(?:(?P<day>\d{1,2})[日号])?"
)
_CLOCK = (
    r"(?P<hour>\d{1,2})(?:[点時时:](?:(?P<minute>\d{1,2})分?|(?P<half>半)|(?P<quarter>[13])刻)?)"
)
_WHEN = re.compile(
    rf"(?:就是|是|在)?(?:大概|大约|约|差不多)?(?:是|在)?(?:{_DAY})?的?(?P<part>{_PART})?"
    rf"(?:{_CLOCK})?"
    r"(?:钟|左右|前后|多|的时候|时候)*"
)


def parse_zh_when(text: str, now: datetime) -> datetime | None:
    """The moment `text` names, in `now`'s timezone; None if it isn't said this way.

    A day without a time of day stands for its noon (or now, if it is today and before
    noon); a time of day without a day is the last such moment, today or yesterday.
    Raises ValueError for a day or time that doesn't exist ("2月30日", "25点").
    """
    plain = _digits(unicodedata.normalize("NFKC", text)).replace(" ", "").rstrip("。.!！")
    if plain in _JUST_NOW:
        return now
    if _YEAR_ALONE.fullmatch(plain):
        plain += "年"
    match = _WHEN.fullmatch(plain)
    if match is None or not _says_something(match):
        return None
    day = _day(match, now.date())
    clock = _clock(match)
    if clock is None:
        noon = datetime.combine(day, time(12), now.tzinfo)
        return min(noon, now) if day == now.date() else noon
    moment = datetime.combine(day, time(), now.tzinfo) + clock
    if _names_a_day(match):
        return moment
    if not match["part"] and clock < timedelta(hours=12) and moment + _HALF_DAY <= now:
        moment += _HALF_DAY  # "3点" said at five in the afternoon: 15:00
    return moment - timedelta(days=1) if moment > now else moment  # in the morning: yesterday's


def _says_something(match: re.Match[str]) -> bool:
    return _names_a_day(match) or bool(match["part"] or match["hour"])


def _names_a_day(match: re.Match[str]) -> bool:
    keys = ("word", "ago", "lastweek", "weekday", "year", "month", "day")
    return any(match[key] for key in keys)


def _day(match: re.Match[str], today: date) -> date:
    """The day named (today if none); ValueError for one that doesn't exist."""
    if match["word"]:
        return today - timedelta(days=_DAY_WORDS[match["word"]])
    if match["ago"]:
        count = int(match["ago"])
        if match["unit"] == "个月":
            return _months_before(today, count)
        return today - timedelta(days=count * (1 if match["unit"] in "天日" else 7))
    if match["lastweek"]:
        if not match["lastday"]:
            return today - timedelta(days=7)  # "上周": about a week ago
        monday = today - timedelta(days=today.weekday() + 7)
        return monday + timedelta(days=_WEEKDAYS[match["lastday"]])
    if match["weekday"] and match["this"]:  # this week's, even if still to come
        return today + timedelta(days=_WEEKDAYS[match["weekday"]] - today.weekday())
    if match["weekday"]:
        back = (today.weekday() - _WEEKDAYS[match["weekday"]]) % 7
        return today - timedelta(days=back)  # the last one, today's included
    return _calendar_day(match, today)


def _calendar_day(match: re.Match[str], today: date) -> date:
    year, month, day = match["year"], match["month"], match["day"]
    if not (year or month or day):
        return today
    if year and not month:
        if day:
            raise ValueError("a year and a day without a month")
        return date(int(year), 7, 1)  # a year alone: its middle
    if year:
        return date(int(year), int(month), int(day) if day else 15)
    if month:  # this year's, or last year's if that is still to come
        found = date(today.year, int(month), int(day) if day else 15)
        return found if found <= today else found.replace(year=today.year - 1)
    found = today.replace(day=int(day))  # this month's, or last month's
    return found if found <= today else _months_before(today, 1).replace(day=int(day))


def _months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # every month has a 28th


def _clock(match: re.Match[str]) -> timedelta | None:
    """The time of day said, as an offset from midnight; None if none was."""
    part = _PARTS.get(match["part"] or "")
    if not match["hour"]:
        return None if part is None else timedelta(hours=part[0])
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    minute += 30 if match["half"] else 15 * int(match["quarter"] or 0)
    if part is not None and (part[1] or (part[0] == 12 and hour < 6)) and hour < 12:
        hour += 12  # 下午3点 → 15:00, 中午1点 → 13:00
    elif part is not None and hour == 12 and part[0] >= 20:
        hour = 24  # 晚上12点: midnight, the end of that day
    elif part is not None and hour == 12 and part[0] < 7:
        hour = 0  # 凌晨12点: midnight, the start of it
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError("no such time of day")
    return timedelta(hours=hour, minutes=minute)


def _digits(text: str) -> str:
    """Chinese numerals as digits: "二十八" → "28", "二〇二六" → "2026", "十" → "10"."""

    def tens(match: re.Match[str]) -> str:
        high, low = match.group(1), match.group(2)
        return str((_DIGITS[high] if high else 1) * 10 + (_DIGITS[low] if low else 0))

    text = re.sub(r"([一二两三四五六七八九])?十([一二三四五六七八九])?", tens, text)
    # Single numerals, except 一/二/… naming a weekday ("周二", "星期一", "上周日").
    return re.sub(
        r"(?<![周期拜])[零〇一二两三四五六七八九]",
        lambda m: str(_DIGITS[m.group(0)]),
        text,
    )
