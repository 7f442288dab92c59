"""Dialect groups a tipster may recognise, their likely home provinces, and a free-text parser."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from handlers.places import PROVINCES, PlaceGuess, find_places
from handlers.script import simplified

# Stable ids: the interview uses them as choice values, so they never change.
DIALECT_GROUPS: tuple[str, ...] = (
    "mandarin_accent",
    "cantonese",
    "southwestern",
    "minnan",
    "hakka",
    "wu",
    "xiang",
    "gan",
    "jin",
    "minority",
    "not_sure",
)
_NOT_SURE = "not_sure"
_MANDARIN = "mandarin_accent"
# "不是四川话", "not Cantonese": a dialect named only to be ruled out.
_NEGATED = re.compile(
    r"(?:(?<!是)不是|不像|不太像|并非|并不是|不说|不讲|没说|没讲|不会说|\bnot|isn't|wasn't|didn't speak)"
    r"\s*(?:说|讲|像|是|a|an|like|speak|speaking)?\s*$",
    re.IGNORECASE,
)
_STANDARD = re.compile(
    r"(?<!不)(?<!不太)标准|没有?口音|不带口音|\bstandard|no accent|without an accent|accentless",
    re.IGNORECASE,
)
_NOT_STANDARD = re.compile(r"不.{0,3}标准|\bnot\s+(?:very\s+|quite\s+)?standard", re.IGNORECASE)
_CLAUSE = re.compile(r"[^，。,.;；!?！？]+")
_CHILD = re.compile(r"孩子|小孩|娃|男孩|女孩|\b(?:child|kid|boy|girl)\b", re.IGNORECASE)
_ADULT = re.compile(
    r"爸|妈|大人|父|母|男的|女的|叔|阿姨|\b(?:adults?|father|mother|dad|mum|mom|man|woman)\b",
    re.IGNORECASE,
)
_STOP = r"[^\s，。,.!?！？；;、]"
# A place is an accent's home when an accent word follows or precedes it closely:
# "河南话", "河南那边的口音", "口音像河南", "Henan accent", "accent from Henan".
_ZH_ACCENT_AFTER = re.compile(_STOP + r"{0,3}?(?:话|口音|方言|腔|土话)")
_ZH_ACCENT_BEFORE = re.compile(r"(?:口音|方言|说话|腔调)" + _STOP + r"{0,3}$")
_EN_ACCENT_AFTER = re.compile(
    r"[\s-]*(?:[a-z]+[\s-]+){0,2}?(?:accent|accented|dialect|mandarin)\b", re.IGNORECASE
)
_EN_ACCENT_BEFORE = re.compile(
    r"\b(?:accent|dialect)\s+(?:from|of|like)\s+(?:the\s+)?$", re.IGNORECASE
)
# A short answer that is little more than a place ("河南", "可能是河南", "maybe Henan") names it too.
_UNIT = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+")
_MAX_OTHER_UNITS = 3


@dataclass(frozen=True)
class DialectGuess:
    """A dialect group id (or None) and candidate home provinces, most likely first."""

    group: str | None
    provinces: list[str]


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    group: str
    provinces: tuple[str, ...]  # empty: the group's own candidates


def candidate_provinces(group: str) -> list[str]:
    """Likely home provinces of a dialect group, most likely first; empty for "not_sure"."""
    return list(_groups()[group]["provinces"])


def candidate_cities(group: str) -> list[str]:
    """Cities (full names) where a dialect group is concentrated, if it is narrower than provinces."""
    return list(_groups()[group]["cities"])


def dialect_from_text(text: str) -> DialectGuess:
    """Recognise a dialect group and its likely home provinces in free text, Chinese or English."""
    text = simplified(text)
    typed = text.strip().lower()
    if typed in DIALECT_GROUPS:  # a choice value typed back
        return DialectGuess(typed, candidate_provinces(typed))
    text = text.replace("’", "'")
    mentions = _alias_mentions(text)
    mentions += _place_mentions(text, taken=mentions)
    named = sorted(
        (m for m in mentions if m.group != _NOT_SURE and not _NEGATED.search(text, 0, m.start)),
        key=lambda m: m.start,
    )
    if not named:
        return DialectGuess(_NOT_SURE if mentions else None, [])
    named = _the_childs(text, named)
    # Plain "普通话" says little when an accent is named too ("普通话不标准，带四川口音").
    named = [m for m in named if m.group != _MANDARIN or m.provinces] or named
    group = named[0].group
    named_places = [p for m in named if m.group == group for p in m.provinces]
    standard = _STANDARD.search(text) and not _NOT_STANDARD.search(text)
    if group == _MANDARIN and standard and not named_places:
        return DialectGuess(group, [])  # standard Mandarin: from anywhere
    explicit = [p for m in named if m.group == group for p in m.provinces]
    return DialectGuess(group, list(dict.fromkeys(explicit)) or candidate_provinces(group))


def _the_childs(text: str, named: list[_Mention]) -> list[_Mention]:
    """The mentions in a clause about the child, if one is ("大人讲广东话，孩子讲普通话")."""
    clauses = [
        c.span()
        for c in _CLAUSE.finditer(text)
        if _CHILD.search(c.group()) and not _ADULT.search(c.group())  # "孩子他爸讲…" is an adult
    ]
    childs = [m for m in named if any(a <= m.start < b for a, b in clauses)]
    return childs or named


def _alias_mentions(text: str) -> list[_Mention]:
    pattern, meanings = _aliases()
    return [
        _Mention(m.start(), m.end(), *meanings[_normal(m.group())]) for m in pattern.finditer(text)
    ]


def _place_mentions(text: str, taken: list[_Mention]) -> list[_Mention]:
    """Provinces, cities and regions named as an accent's home, outside the alias matches."""
    found = [_Mention(m.start, m.end, *_place_group(m.guesses[0])) for m in find_places(text)]
    pattern, regions = _regions()
    found += [
        _Mention(m.start(), m.end(), *regions[_normal(m.group())]) for m in pattern.finditer(text)
    ]
    return [
        m
        for m in found
        if not any(m.start < t.end and t.start < m.end for t in taken)
        and _names_accent(text, m.start, m.end)
    ]


def _place_group(place: PlaceGuess) -> tuple[str, tuple[str, ...]]:
    """A city listed under a group speaks it; otherwise the province's usual group."""
    province = place.province or ""  # find_places always knows the province
    group: str = _city_groups().get(place.city or "") or _data()["province_groups"][province]
    return group, (province,)


def _names_accent(text: str, start: int, end: int) -> bool:
    if _ZH_ACCENT_AFTER.match(text, end) or _EN_ACCENT_AFTER.match(text, end):
        return True
    if _ZH_ACCENT_BEFORE.search(text, 0, start) or _EN_ACCENT_BEFORE.search(text, 0, start):
        return True
    return len(_UNIT.findall(text[:start] + " " + text[end:])) <= _MAX_OTHER_UNITS


def _normal(words: str) -> str:
    return " ".join(re.split(r"[\s-]+", words.lower().strip()))


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    """One regex for all words, longest first; Latin words only match whole, in any case."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = r"[\s-]+".join(re.escape(w) for w in word.split())
        parts.append(rf"(?<![A-Za-z]){body}(?![A-Za-z])" if word.isascii() else body)
    return re.compile("|".join(parts), re.IGNORECASE)


@cache
def _aliases() -> tuple[re.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    meanings = {
        _normal(alias): (group["id"], tuple(provinces))
        for group in _data()["groups"]
        for alias, provinces in group["aliases"].items()
    }
    return _word_pattern(list(meanings)), meanings


@cache
def _regions() -> tuple[re.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    regions = {
        _normal(name): (region["group"], tuple(region["provinces"]))
        for name, region in _data()["regions"].items()
    }
    return _word_pattern(list(regions)), regions


@cache
def _city_groups() -> dict[str, str]:
    cities: dict[str, str] = {}
    for group in _data()["groups"]:
        for city in group["cities"]:
            cities.setdefault(city, group["id"])
    return cities


@cache
def _groups() -> dict[str, dict[str, Any]]:
    return {group["id"]: group for group in _data()["groups"]}


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("handlers.data").joinpath("dialects.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    ids = tuple(group["id"] for group in data["groups"])
    if ids != DIALECT_GROUPS:
        raise ValueError(f"dialects.json groups {ids} differ from {DIALECT_GROUPS}")
    named = [p for g in data["groups"] for ps in g["aliases"].values() for p in ps]
    named += [p for g in data["groups"] for p in g["provinces"]] + list(data["province_groups"])
    unknown = set(named) - set(PROVINCES)
    if unknown:
        raise ValueError(f"dialects.json names unknown provinces: {sorted(unknown)}")
    return data
