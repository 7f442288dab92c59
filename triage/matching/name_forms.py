"""A name split into pinyin surname, given name and the nickname it may stand for."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from triage.matching.pinyin import SURNAME_READINGS, char_syllables, chinese_chars, syllables

# The ~130 most common surnames cover about 90% of people in China.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_LIST = (
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 司徒 夏侯 公孙 尉迟 长孙 宇文 端木 独孤 西门 南宫"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_LIST.split())
_NICKNAME_PREFIXES = frozenset("小阿")
_NICKNAME_PREFIX_PINYIN = frozenset({"xiao", "a"})


@lru_cache(maxsize=1)
def surname_pinyin() -> frozenset[tuple[str, ...]]:
    """Pinyin of every known surname, for names written in latin letters."""
    single = {(SURNAME_READINGS.get(c) or char_syllables(c)[0],) for c in SURNAMES}
    return frozenset(single | {char_syllables(c) for c in COMPOUND_SURNAMES})


@dataclass(frozen=True)
class NameForm:
    """One written name, parsed for comparison."""

    text: str
    chars: str  # Chinese characters only; "" for latin input
    syllables: tuple[str, ...]
    surname: tuple[str, ...]  # () when the name has no recognisable surname
    given: tuple[str, ...]  # the syllables after the surname, or all of them
    nickname: str | None  # the syllable a pattern like 小勇, 阿勇, 勇勇 points at

    @cached_property
    def full_key(self) -> str:
        """The whole name as toneless pinyin, e.g. "li yong"."""
        return " ".join(self.syllables)

    @cached_property
    def given_chars(self) -> str:
        """The given name's characters ("" for latin input)."""
        return self.chars[len(self.surname) :] if self.chars else ""

    @cached_property
    def given_key(self) -> str:
        """The given name as toneless pinyin, e.g. "yong"."""
        return " ".join(self.given)


@lru_cache(maxsize=1 << 17)
def parse_name(text: str) -> NameForm | None:
    """Parse a name in characters or pinyin; None when nothing name-like is left."""
    text = text.strip()
    chars = chinese_chars(text)
    if chars:
        return _parse_chinese(text, chars)
    sounds = _surname_first(text)
    return _parse_latin(text, sounds) if sounds else None


def _parse_chinese(text: str, chars: str) -> NameForm:
    """Characters: the surname list decides where the given name starts."""
    sounds = char_syllables(chars)
    # 晨晨 is a nickname, 陈晨 a surname and a given name that happen to sound alike.
    doubled = len(chars) == 2 and chars[0] == chars[1]
    prefixed = chars[0] in _NICKNAME_PREFIXES and len(chars) == 2
    nickname = _nickname(sounds, prefixed=prefixed) if prefixed or doubled else None
    surname_len = 0
    if nickname is None and len(chars) >= 2:
        if chars[:2] in COMPOUND_SURNAMES and len(chars) >= 3:
            surname_len = 2
        elif chars[0] in SURNAMES:
            surname_len = 1
    if surname_len == 1 and chars[0] in SURNAME_READINGS:
        sounds = (SURNAME_READINGS[chars[0]], *sounds[1:])
    given = sounds[surname_len:]
    return NameForm(text, chars, sounds, sounds[:surname_len], given, nickname)


def _surname_first(text: str) -> tuple[str, ...]:
    """Pinyin of a latin name, turning western order ("Yong Li") into Chinese order."""
    words = [syllables(word) for word in text.split()]
    known = surname_pinyin()
    if len(words) == 2 and words[1] in known and words[0] not in known:
        words.reverse()
    return tuple(s for word in words for s in word)


def _parse_latin(text: str, sounds: tuple[str, ...]) -> NameForm:
    """Latin letters: "Xiao Bao" is both a nickname and possibly the surname Xiao."""
    nickname = _nickname(sounds, prefixed=len(sounds) == 2 and sounds[0] in _NICKNAME_PREFIX_PINYIN)
    surname: tuple[str, ...] = ()
    known = surname_pinyin()
    if len(sounds) >= 3 and sounds[:2] in known:
        surname = sounds[:2]
    elif len(sounds) >= 2 and sounds[:1] in known and sounds[0] != sounds[1]:
        surname = sounds[:1]
    return NameForm(text, "", sounds, surname, sounds[len(surname) :], nickname)


def _nickname(sounds: tuple[str, ...], *, prefixed: bool) -> str | None:
    """小X / 阿X / XX point at X; anything else is not a nickname pattern."""
    if len(sounds) != 2:
        return None
    if prefixed:
        return sounds[1]
    return sounds[0] if sounds[0] == sounds[1] else None
