"""Chinese numerals in typed answers, read as digits.

Two readings: each numeral on its own for ages ("五六岁" → "5 6 岁", a range), and whole numbers
for dates and times ("二十八" → "28", "二〇二六" → "2026"), where a pair of neighbours or "几"
is an approximation ("两三天前" → "2天前", "几天前" → "3天前").
"""

from __future__ import annotations

import re

__all__ = ["numbers_in_words", "numerals_one_by_one"]

_NUMERALS = "零〇一二两三四五六七八九"
_DIGITS = dict(zip(_NUMERALS, (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_TENS = re.compile(r"([一二两三四五六七八九])?十([一二三四五六七八九])?")
# What a number in a date or time is followed by.
_UNITS = r"(?=个|天|日|周|星期|礼拜|点|时|小时|钟头|分|月|年前|多|十)"


def numerals_one_by_one(text: str) -> str:
    """Numerals up to 99 as digits, each apart ("十二" → "12", "五六" → " 5  6 ")."""
    text = _TENS.sub(_tens, text)
    return "".join(f" {_DIGITS[ch]} " if ch in _DIGITS else ch for ch in text)


def numbers_in_words(text: str) -> str:
    """Numerals as whole numbers ("二十八" → "28", "二〇二六" → "2026"), approximations as one
    number ("两三天" → "2天", the first of two neighbours; "几天" → "3天", a few)."""
    text = text.replace("前几天", "三天前").replace("几十", "十")  # "几十天前": read as ten
    pair = rf"(?<![{_NUMERALS}十\d])([一二两三四五六七八])([两二三四五六七八九]){_UNITS}"
    text = re.sub(pair, _first_of_two, text)
    text = text.replace("十几", "十五")  # "十几天前": between 11 and 19
    text = re.sub(r"几(?=个|天|日|周|星期|礼拜|月|年前)", "三", text)  # "几天前": a few
    text = re.sub(rf"{_TENS.pattern}[一二三四五六七八九]?{_UNITS}", _tens, text)  # 十五六天: 15
    text = _TENS.sub(_tens, text)
    # Single numerals, except 一/二/… naming a weekday ("周二", "星期一", "上周日").
    return re.sub(rf"(?<![周期拜])[{_NUMERALS}]", lambda m: str(_DIGITS[m.group(0)]), text)


def _tens(match: re.Match[str]) -> str:
    high, low = match.group(1), match.group(2)
    return str((_DIGITS[high] if high else 1) * 10 + (_DIGITS[low] if low else 0))


def _first_of_two(match: re.Match[str]) -> str:
    low, high = _DIGITS[match.group(1)], _DIGITS[match.group(2)]
    return match.group(1) if high == low + 1 else match.group(0)
