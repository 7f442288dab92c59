"""Chinese ways of saying when, which dateparser misreads or doesn't read at all.

dateparser reads "昨天" and "3天前" but not "昨天下午三点", "昨晚", "11月28日", "上周二" or
"两天前", and reads "1998年" as the year 28, "98年" as 1928 and "28日" as the 2nd. This module
reads a day (今天, 昨晚, 前天, 两三天前, 上周二, 周六, 11月28日, 28号, 11.28, 去年12月,
2026年11月28日, 98年, 1998年6月) and/or a time of day (早上, 下午3点, 晚上八点半, 15:30), hedged
as people hedge ("大概昨天下午三点多吧"), alone or inside a sentence ("我是昨天下午在车站看到
的"). Anything else is left to dateparser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.numerals import numbers_in_words
from handlers.script import simplified

__all__ = ["Said", "read_zh_when"]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAYS |= {str(n): n - 1 for n in range(1, 8)}
_DAY_WORDS = {"今": 0, "今天": 0, "今日": 0, "昨": 1, "昨天": 1, "昨日": 1}
_DAY_WORDS |= {"前天": 2, "前日": 2, "大前天": 3}
# Parts of the day: the hour they stand for alone, and whether "3点" in them is p.m.
_PARTS = {
    "凌晨": (3, False), "半夜": (0, False), "清早": (7, False), "一早": (8, False),
    "早晨": (8, False), "早上": (8, False), "早": (8, False), "上午": (10, False),
    "中午": (12, False), "午后": (14, True), "下午": (15, True), "傍晚": (18, True),
    "晚上": (20, True), "晚": (20, True), "夜里": (22, True), "夜晚": (22, True),
    "夜": (22, True),
}  # fmt: skip
_AGO_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7}
_AGO_CLOCK = {"小时": 60, "钟头": 60, "分钟": 1}
_HALF_DAY = timedelta(hours=12)
_JUST_NOW = {"刚才", "刚刚", "现在", "就是现在", "此刻"}
# A number with a unit of time left over once the answer's moment was found: another moment.
_TIMEISH = re.compile(r"\d+\s*(?:点|时|:|天|日|号|月|年|周|星期|小时|分)")
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")  # "1998": a year (a searching adult's answer)
# Hedges and particles, dropped wherever they are ("大概昨天下午三点多吧").
_FILLERS = re.compile(
    r"大概|大约|约莫|差不多|应该是|应该|可能是|可能|好像是|好像|估计是|估计|大致|左右|前后"
    r"|的样子|那会儿|的时候|时候|[吧啦了呢啊吗呀]"
)

# Seasons and the New Year: the month and day they stand for.
_SEASONS = {
    "春天": (4, 15), "春季": (4, 15), "夏天": (7, 15), "夏季": (7, 15), "秋天": (10, 15),
    "秋季": (10, 15), "冬天": (1, 15), "冬季": (1, 15), "过年": (2, 1), "春节": (2, 1),
}  # fmt: skip
_PART = "|".join(sorted(_PARTS, key=len, reverse=True))
_DAY = (
    r"(?P<word>大前天|前天|前日|今天|今日|昨天|昨日|今(?!年)|昨)"
    r"|(?P<ago>\d{1,3}|半)(?P<andhalf>个?半)?多?个?多?(?P<unit>天|日|周|星期|礼拜|月|年|小时|钟头|分钟)以?前"
    r"|(?P<lastweek>上上|上)个?(?:周|星期|礼拜)(?P<lastday>[一二三四五六日天1-7]|末)?"
    r"|(?P<this>这个?|本)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7]|末)"
    r"|(?P<dotmonth>\d{1,2})[./](?P<dotday>\d{1,2})(?![\d.:/天日周个小时分月年点])(?:[日号])?"
    r"|(?:(?P<year>\d{4}|\d{2})年|(?P<relyear>去年|今年|前年))?"
    r"(?:(?P<month>\d{1,2})月份?|(?P<relmonth>上个?月|这个?月|本月)|(?P<season>"
    + "|".join(_SEASONS)
    + r"))?"
    r"(?:(?P<day>\d{1,2})[日号])?"
)
_CLOCK = r"(?P<hour>\d{1,2})(?:[点时:](?:(?P<minute>\d{1,2})分?|(?P<half>半)|(?P<quarter>[13])刻)?)"
_WHEN = re.compile(rf"(?:{_DAY})?的?(?P<part>{_PART})?(?:{_CLOCK})?(?:钟|多)*")


@dataclass(frozen=True)
class Said:
    """A moment read from an answer; `year_only` when only a year was named."""

    moment: datetime
    year_only: bool = False
    names_year: bool = False  # "2015年3月", "去年": a year was said (a birth date needs one)


def read_zh_when(text: str, now: datetime) -> Said | None:
    """The moment `text` names, in `now`'s timezone; None if it isn't said this way.

    A day without a time of day stands for its noon (or now, if it is today and before
    noon); a time of day without a day is the last such moment. Raises ValueError for a
    day or time that doesn't exist ("2月30日", "25点").
    """
    plain = simplified(unicodedata.normalize("NFKC", text))
    if re.search(r"[A-Za-z]", plain):
        return None  # English, or mixed: dateparser's
    plain = _FILLERS.sub("", numbers_in_words(plain.replace(" ", ""))).strip("。.!！?？~～,，")
    if plain in _JUST_NOW:
        return Said(now)
    if _YEAR_ALONE.fullmatch(plain):
        plain += "年"
    match = _WHEN.fullmatch(plain) or _inside(plain)
    if match is None or not _says_something(match):
        return None
    if match["ago"] and match["unit"] in _AGO_CLOCK:  # "3小时前": a moment, not a day
        count = 0.5 if match["ago"] == "半" else int(match["ago"]) + 0.5 * bool(match["andhalf"])
        minutes = round(count * _AGO_CLOCK[match["unit"]])
        return Said(now - timedelta(minutes=minutes))
    day = _day(match, now.date())
    names_year = bool(match["year"] or match["relyear"])
    year_only = names_year and not (match["month"] or match["relmonth"] or match["season"])
    hours = _hours(match)
    if not hours:
        noon = datetime.combine(day, time(12), now.tzinfo)
        return Said(min(noon, now) if day == now.date() else noon, year_only, names_year)
    if _names_a_day(match):
        return Said(datetime.combine(day, time(), now.tzinfo) + hours[0], names_year=names_year)
    # A time of day alone: the latest such moment, today or yesterday ("3点" at 17:00 is
    # 15:00; at 09:00 it is 03:00).
    moments = [
        datetime.combine(now.date() - timedelta(days=back), time(), now.tzinfo) + offset
        for back in (0, 1)
        for offset in hours
    ]
    return Said(max((m for m in moments if m <= now), default=min(moments)))


def _inside(plain: str) -> re.Match[str] | None:
    """The day or hour named inside a sentence, if it is the only one named there."""
    named: list[re.Match[str]] = []
    start = 0
    while start < len(plain):
        found = _WHEN.match(plain, start)
        if found is not None and found[0] and (_names_a_day(found) or found["hour"]):
            named.append(found)
            start = found.end()
        else:
            start += 1
    if len(named) != 1 or _TIMEISH.search(plain[: named[0].start()] + plain[named[0].end() :]):
        return None  # "昨天在车站，大概下午3点": two, which together mean one moment
    best = named[0]
    before, after = plain[: best.start()], plain[best.end() :]
    if not _names_a_day(best) and re.search(
        r"天|日|节|周|星期|礼拜|月|年|那|明|后", before + after
    ):
        return None  # "国庆节下午3点", "那天下午": a day we don't read, so not today
    if before.endswith(("下", "明", "后", "这个", "这")):
        return None  # "下周一": still to come, not last Monday
    if re.match(
        r"[\d./:-]", plain[best.start() - 1 : best.start()] + plain[best.end() : best.end() + 1]
    ):
        return None  # "1.5天前": part of a number we don't read
    if best["day"] and not (best["month"] or best["relmonth"] or best["hour"]):
        return None  # "3号线地铁站": a bare "3号" inside a sentence is seldom a date
    return best


def _says_something(match: re.Match[str]) -> bool:
    return _names_a_day(match) or bool(match["part"] or match["hour"])


def _names_a_day(match: re.Match[str]) -> bool:
    keys = ("word", "ago", "lastweek", "weekday", "dotmonth", "year", "relyear", "month")
    return any(match[key] for key in (*keys, "relmonth", "season", "day"))


def _day(match: re.Match[str], today: date) -> date:
    """The day named (today if none); ValueError for one that doesn't exist."""
    if match["word"]:
        return today - timedelta(days=_DAY_WORDS[match["word"]])
    if match["ago"]:
        count = 0.5 if match["ago"] == "半" else int(match["ago"]) + 0.5 * bool(match["andhalf"])
        if match["unit"] in ("月", "年"):
            months = count * (1 if match["unit"] == "月" else 12)  # "一个半月前": 1.5
            half_month = timedelta(days=15 if months % 1 else 0)
            return _months_before(today, int(months)) - half_month
        return today - timedelta(days=round(count * _AGO_DAYS.get(match["unit"], 0)))
    if match["lastweek"] or (match["weekday"] and match["this"]):
        back = 14 if match["lastweek"] == "上上" else 7 if match["lastweek"] else 0
        monday = today - timedelta(days=today.weekday() + back)
        named = match["lastday"] if match["lastweek"] else match["weekday"]
        if not named:
            return today - timedelta(days=back)  # "上周": about a week ago
        return monday + timedelta(days=5 if named == "末" else _WEEKDAYS[named])
    if match["weekday"]:  # the last one, today's included
        weekday = 5 if match["weekday"] == "末" else _WEEKDAYS[match["weekday"]]
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    if match["dotmonth"]:  # "11.28": a date, as Chinese write them ("28.11": day first)
        month, day = int(match["dotmonth"]), int(match["dotday"])
        return _latest(today, *((day, month) if month > 12 >= day else (month, day)))
    return _calendar_day(match, today)


def _calendar_day(match: re.Match[str], today: date) -> date:
    year = _year(match, today)
    month = _month(match, today)
    day = int(match["day"]) if match["day"] else None
    if match["season"]:
        month, day = _SEASONS[match["season"]]
    if year is None and month is None and day is None:
        return today
    if year is not None and month is None:
        if day is not None:
            raise ValueError("a year and a day without a month")
        middle = date(year, 7, 1)  # a year alone: its middle (this year's: so far)
        return min(middle, today) if year == today.year else middle
    if year is not None and month is not None:
        return date(year, month, day or 15)
    if match["relmonth"]:  # "这个月", "上个月20号": that month of that year
        base = today if "上" not in match["relmonth"] else _months_before(today, 1)
        return base.replace(day=day) if day else min(base.replace(day=15), today)
    if month is not None:  # this year's, or last year's if that is still to come
        return _latest(today, month, day or 15)
    assert day is not None
    found = today.replace(day=day) if day <= 28 or _has_day(today, day) else None
    if found is not None and found <= today:
        return found
    return _months_before(today, 1).replace(day=day)  # last month's


def _year(match: re.Match[str], today: date) -> int | None:
    if match["relyear"]:
        return today.year - {"今年": 0, "去年": 1, "前年": 2}[match["relyear"]]
    if not match["year"]:
        return None
    year = int(match["year"])
    if year < 100:  # "98年" is 1998, "08年" 2008
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _month(match: re.Match[str], today: date) -> int | None:
    if match["relmonth"]:
        return (_months_before(today, 1) if "上" in match["relmonth"] else today).month
    return int(match["month"]) if match["month"] else None


def _latest(today: date, month: int, day: int) -> date:
    """That day this year, or last year if it is still to come."""
    found = date(today.year, month, day) if _has_day(date(today.year, month, 1), day) else None
    return found if found is not None and found <= today else date(today.year - 1, month, day)


def _has_day(month: date, day: int) -> bool:
    try:
        month.replace(day=day)
    except ValueError:
        return False
    return True


def _months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    first = date(year, month + 1, 1)
    day = next(d for d in (today.day, 30, 29, 28) if _has_day(first, d))
    return first.replace(day=day)


def _hours(match: re.Match[str]) -> list[timedelta]:
    """The times of day that may be meant, as offsets from midnight (none if none was said;
    two for a bare "3点", which may be 03:00 or 15:00)."""
    part = _PARTS.get(match["part"] or "")
    if not match["hour"]:
        return [] if part is None else [timedelta(hours=part[0])]
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    minute += 30 if match["half"] else 15 * int(match["quarter"] or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError("no such time of day")
    if part is None:
        hours = [hour] if hour == 0 or hour > 12 else [hour % 12, hour % 12 + 12]
    elif part[0] >= 20 and 1 <= hour <= 4:
        hours = [hour + 24]  # 夜里2点: after midnight, the night after that day
    elif (part[1] or (part[0] == 12 and hour < 6)) and hour < 12:
        hours = [hour + 12]  # 下午3点 → 15:00, 中午1点 → 13:00
    elif hour == 12 and part[0] >= 20:
        hours = [24]  # 晚上12点: midnight, the end of that day
    elif hour == 12 and part[0] < 7:
        hours = [0]  # 凌晨12点: midnight, the start of it
    else:
        hours = [hour]
    return [timedelta(hours=h, minutes=minute) for h in hours]
