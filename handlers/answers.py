"""Parsing typed answers: dates, ages, names and phone numbers. Errors are catalogue keys."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser
import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from handlers.numerals import numerals_one_by_one
from handlers.script import simplified
from handlers.zh_when import read_zh_when

__all__ = [
    "AnswerError",
    "mask_phone",
    "parse_age",
    "parse_birth",
    "parse_phone",
    "parse_when",
    "quick_when",
    "split_names",
]

MAX_AGE = 17
MAX_YEARS_BACK = 100  # nothing a tip or a birth date names is older
_UNDER = r"以下|以内|不到|不满|未满|小于|under|below|less than|younger than"
_OVER = r"以上|超过|大于|over|more than|older than"
# A school year: 三年级 (grade 3), 初一 (grade 7), "3rd grade".
_GRADE = re.compile(  # after 很/太 ("个子很高 五岁") 高 is tall, not senior high
    r"(?:^|(?<=[上读在是念\s，,]))(?<![很太挺])([初高]) ?(\d)\b"
    r"|()(\d+)\s*年级|grade\s*(\d+)|(\d+)(?:st|nd|rd|th)\s*grade"
)
# Ages said in words, before any number is looked at.
_AGE_WORDS = (
    (r"婴儿|新生儿|刚出生|不满周岁|baby|infant|newborn", (0, 1)),
    (r"幼儿园|kindergarten", (3, 6)),
    (r"toddler|幼儿", (1, 3)),
    (r"几个月|few months", (0, 1)),
    (r"eighteen months", (1, 2)),
    (r"小学生|primary school", (6, 12)),
    (r"初中生|middle school", (12, 15)),
    (r"\bteen(?:s|ager|age)?\b", (13, MAX_AGE)),
)
# The numbers of an age: "5", "5到6", "5 6" (五六) or "10几" before 岁 or "years".
_AGE_SAID = re.compile(  # possessive: a long run of digits must not be split every way
    r"(?<!\d)(\d++)(?:\s*+(?:岁|years?)?\s*+(?:到|至|-|—|~|或|、|/|，|,|to|or)?\s*+(\d++))?"
    r"\s*+(?:多|几)?\s*+(?:周)?(?:岁|years?|yrs?|y/?o)"
)
MAX_NAMES = 10


class AnswerError(ValueError):
    """An answer we can't accept; `key` names the catalogue text that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def quick_when(choice: str, now: datetime) -> datetime:
    """The moment a quick "when" choice stands for (this week → about three days ago)."""
    offsets = {"now": 0, "today": 0, "yesterday": 1, "this_week": 3}
    return now - timedelta(days=offsets[choice])


def parse_when(text: str, *, now: datetime, timezone: str) -> datetime:
    """Parse a typed date or time in Chinese or English; never in the future."""
    if re.fullmatch(r"\s*\d{1,2}\s*", unicodedata.normalize("NFKC", text)):
        # "2": the 2nd, 2 o'clock, 2 days ago? (dateparser says February) Asked again.
        raise AnswerError("error.when_unparsed")
    zone = ZoneInfo(timezone)
    try:
        said = read_zh_when(text, now.astimezone(zone))
    except ValueError:  # "2月30日": read, but no such day
        raise AnswerError("error.when_unparsed") from None
    if said is not None:
        return _not_future(said.moment.astimezone(now.tzinfo), now)
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
        "TIMEZONE": timezone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TO_TIMEZONE": "UTC",
    }
    plain = " ".join(_EN_HEDGES.sub(" ", text).split())
    if plain.lower() in ("now", "right now", "earlier today"):
        return now
    try:
        parsed = dateparser.parse(plain, languages=["zh", "en"], settings=settings)
    except (OverflowError, ValueError):  # "0001-01-01" overflows inside dateparser
        parsed = None
    if parsed is None:
        raise AnswerError("error.when_unparsed")
    local = parsed.astimezone(zone)
    if (local.hour, local.minute, local.second) == (0, 0, 0) and "midnight" not in plain.lower():
        # A date without a time: keep it at local noon, so it is the same day in UTC too.
        noon = local.replace(hour=12).astimezone(parsed.tzinfo)
        parsed = min(noon, now) if local.date() <= now.astimezone(zone).date() else noon
    return _not_future(parsed, now)


# Hedges around an English time, which dateparser refuses ("yesterday around 3pm").
_EN_HEDGES = re.compile(
    r"\b(?:i think(?: it was)?|it was|maybe|probably|perhaps|approximately|approx|roughly"
    r"|around|about|at about|at around|or so)\b|-?ish\b",
    re.IGNORECASE,
)


def _not_future(moment: datetime, now: datetime) -> datetime:
    if moment > now + timedelta(minutes=5):
        raise AnswerError("error.when_future")
    if moment.year < now.year - MAX_YEARS_BACK:  # "1800年", "99999天前": not a lifetime
        raise AnswerError("error.when_unparsed")
    return moment


def parse_birth(text: str, *, now: datetime) -> tuple[date, bool]:
    """A birth date or just a year ("2015", "15年", "2015年3月2日"); returns (date, year_only)."""
    cleaned = text.strip()
    try:
        said = read_zh_when(cleaned, now)
    except ValueError:  # "2015年13月": read, but no such date
        raise AnswerError("error.birth_unparsed") from None
    if said is not None and not said.names_year:
        raise AnswerError("error.birth_unparsed")  # "3月5日", "下午3点": which year?
    if said is not None:
        born, year_only = said.moment.date(), said.year_only
    else:
        year = re.fullmatch(r"(?:about|around|c\.?)\s*(\d{4})", cleaned, flags=re.IGNORECASE)
        try:
            parsed = (
                None
                if year
                else dateparser.parse(
                    cleaned,
                    languages=["zh", "en"],
                    settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]},
                )
            )
        except (OverflowError, ValueError):
            parsed = None
        if year:
            born, year_only = date(int(year.group(1)), 7, 1), True  # mid-year: the best guess
        elif parsed is None:
            raise AnswerError("error.birth_unparsed")
        else:
            born, year_only = parsed.date(), False
    if born > now.date():
        raise AnswerError("error.birth_future")
    if born.year < now.year - MAX_YEARS_BACK:
        raise AnswerError("error.birth_unparsed")
    return born, year_only


def parse_age(text: str) -> tuple[int, int]:
    """Parse an apparent age or range ("6", "五六岁", "about 5-7", "8个月") as (min, max)."""
    lowered = simplified(unicodedata.normalize("NFKC", text)).lower()
    for pattern, ages in _AGE_WORDS:
        if re.search(pattern, lowered):
            return ages
    digits = numerals_one_by_one(re.sub(r"十[来多]", "十几", lowered))
    if (grade := _GRADE.search(digits)) is not None:
        level = {"初": 6, "高": 9}.get(grade.group(1) or "", 0)
        year = level + int(next(g for g in grade.groups()[1:] if g))  # 一年级: six or seven
        return (year + 5, min(year + 6, MAX_AGE)) if year <= 12 else (17, MAX_AGE)
    months = re.search(r"(\d+)\s*(?:个月|月大|months?\b)", digits)
    if months is not None and not re.search(r"岁|years?\b", digits):
        return (int(months.group(1)) // 12, int(months.group(1)) // 12 + 1)  # 18个月: 1–2
    digits = re.sub(r"(\d+)\.5", r"\1", digits)  # "1.5岁": one and a half
    # The numbers next to 岁 ("years"), if any: the rest of a sentence may hold others.
    said = _AGE_SAID.search(digits)
    if said is None and re.search(r"\d\s*(?:米|厘米|公分|cm|斤|公斤|kg)", digits):
        raise AnswerError("error.age_unparsed")  # "个子1米2": a height, not an age
    # What qualifies the age ("几", "以下") is in it or just after it, not elsewhere.
    clause = max(digits.rfind(c, 0, said.start()) for c in "，,。;；") + 1 if said else 0
    scope = digits[max(said.start() - 14, clause) : said.end() + 4] if said else digits
    numbers = [int(n) for n in re.findall(r"\d+", said.group(0) if said else digits)]
    if not numbers or len(numbers) > 2:
        raise AnswerError("error.age_unparsed")
    low, high = min(numbers), max(numbers)
    if len(numbers) == 1 and re.search(r"\d\s*几", scope):  # "十几岁": a teenager
        low, high = low + 1, max(low + 1, min(low + 9, MAX_AGE))
    elif len(numbers) == 1 and re.search(_UNDER, scope):  # "10岁以下", "不到6岁"
        low = 0
    elif len(numbers) == 1 and re.search(_OVER, scope):  # "12岁以上", "over 10"
        high = max(low, min(low + 3, MAX_AGE))
    elif len(numbers) == 2 and numbers[1] < numbers[0] < 20 and numbers[0] >= 10:
        low, high = numbers[0], numbers[0] - numbers[0] % 10 + numbers[1]  # 十二三岁: 12–13
    if high >= 1900:
        raise AnswerError("error.age_unparsed")  # "2019年5月出生": a date, not an age
    if low > MAX_AGE or high > MAX_AGE + 2:
        raise AnswerError("error.age_range", max=MAX_AGE)
    return (low, min(high, MAX_AGE))  # 十七八岁: 17 at most, still a child


_NAME_SEPARATORS = re.compile(r"[,，、;；/|\n]+|\s+or\s+|\s+和\s+|或者|或")
# Chinese names hold no spaces: "小宝 狗娃" is two names ("李 勇", one name spaced out, is not).
_SPACED_CHINESE_NAMES = re.compile(r"[\u4e00-\u9fff]{2,}(?:\s+[\u4e00-\u9fff]{2,})+")
_UNQUOTE = str.maketrans(dict.fromkeys('"“”「」『』《》', " "))
# "他们叫他小宝", "好像叫小宝": the name is what follows.
_CALLED = re.compile(
    r"^(?:好像|应该|大概|可能)?是?(?:他们|她们|大人|别人|家里人|那个男的|那个女的|男的|女的)?都?"
    r"(?:(?:叫|喊)(?:他|她|孩子)?(?:叫|做|作)?|管(?:他|她|孩子)叫)(?=..)"
)
_APOSTROPHES = "'‘’"  # quote marks at a name's ends, apostrophes inside it (O’Brien)
# "欧阳 娜娜" is one name written with a space after a two-character surname.
_TWO_CHAR_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "夏侯", "令狐", "司徒", "宇文", "南宫", "独孤", "端木", "西门", "轩辕",
)  # fmt: skip


def split_names(text: str) -> list[str]:
    """Split typed names into a list ("小宝、乐乐 or Lele" → three names), duplicates dropped."""
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        part = " ".join(part.translate(_UNQUOTE).split())  # quotes never belong to a name
        spaced = _SPACED_CHINESE_NAMES.fullmatch(part) and not part.startswith(_TWO_CHAR_SURNAMES)
        for name in part.split() if spaced else [part]:
            name = name.strip(_APOSTROPHES).strip().rstrip("吧啊呢吗了")
            name = _CALLED.sub("", name, count=1) or name
            if name and name not in names:
                names.append(name)
    return names[:MAX_NAMES]


def parse_phone(text: str, *, region: str) -> str:
    """Validate a phone number and return it in E.164 form ("13812345678（微信同号）" too:
    a number found among other words is taken when the whole answer isn't one)."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException as exc:
        found = _found_number(text, region)
        if found is None:
            raise AnswerError("error.phone_unparsed") from exc
        number = found
    if not phonenumbers.is_valid_number(number):
        number = _found_number(text, region) or number
    if not phonenumbers.is_possible_number(number):
        raise AnswerError("error.phone_length")
    if not phonenumbers.is_valid_number(number):
        raise AnswerError("error.phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _found_number(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """A number among other words; a mobile one first (座机 … 手机 …: the one that texts)."""
    found = [m.number for m in phonenumbers.PhoneNumberMatcher(text, region)]
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    return next((n for n in found if phonenumbers.number_type(n) in mobile), None) or next(
        iter(found), None
    )


def mask_phone(e164: str, *, spaced: bool = False) -> str:
    """The number with only its country code, first three and last four digits showing.

    Coordinators read +86138****8000; `spaced` puts a space after the country code, as the
    tipster reads their own number back (+86 138****8000).
    """
    digits = e164.lstrip("+")
    code = next(
        (digits[:n] for n in (1, 2, 3) if int(digits[:n] or 0) in COUNTRY_CODE_TO_REGION_CODE),
        digits[:2],
    )
    national = digits[len(code) :]
    hidden = national[:3] + "*" * max(len(national) - 7, 2) + national[-4:]
    return f"+{code}{' ' if spaced else ''}{hidden}"
