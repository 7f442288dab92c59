"""China's provinces, prefecture-level cities and counties, and a parser that finds them in
free text (a county stands for its prefecture: "镇雄" is 云南, 昭通市)."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from handlers.counties import county_names
from handlers.script import simplified

_DATA: dict[str, Any] = json.loads(
    resources.files("handlers.data").joinpath("places.json").read_text(encoding="utf-8")
)
PROVINCES: tuple[str, ...] = tuple(p["key"] for p in _DATA["provinces"])

# China's rough bounding box, South China Sea islands included.
_LATITUDES = (3.5, 53.6)
_LONGITUDES = (73.4, 135.1)
_MAX_KM = 150.0
_EARTH_KM = 6371.0
# After a bare short name these mean a street or a district named after the place, not the place:
# "南京东路" is in Shanghai, "朝阳区" in Beijing.
_ZH_STREET_AFTER = re.compile(r"[东西南北中]?(?:路|街|大道|巷|胡同)")
_ZH_DISTRICT_AFTER = re.compile(r"[区县]")
# After a county's short name: what shows it is the county ("镇雄火车站", "固始的一个村").
_COUNTY_AFTER = re.compile(
    r"[\s，。,.;；!?！？、)）]|火车站|汽车站|车站|客运站|县城|城区|城里|镇|乡|村|街|一带|附近"
    r"|那边|这边|那里|这里|人|口音|话|的|老家|农村|山区"
)
_EN_STREET_AFTER = frozenset(
    {"road", "rd", "street", "st", "avenue", "ave", "lane", "lu", "jie", "district", "county"}
)
_EN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’‘][A-Za-z\u00c0-\u024f]+)*")
_EN_GAP = re.compile(r"[\s\-]+")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class PlaceGuess:
    """A province key and a city full name, either of which may be unknown."""

    province: str | None
    city: str | None


@dataclass(frozen=True)
class PlaceMatch:
    """Words in a text that name a place, with the places they may mean, most likely first."""

    start: int
    end: int
    names_province: bool
    guesses: tuple[PlaceGuess, ...]


@dataclass(frozen=True)
class City:
    """A prefecture-level city; a municipality or SAR is its own single city."""

    name: str
    short: str
    en: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Meaning:
    """What one alias stands for; no guesses marks a phrase that only looks like a place."""

    names_province: bool
    guesses: tuple[PlaceGuess, ...]
    bare: bool = False  # a short name, which a street or district word after it overrides
    county: bool = False  # a county's short name ("镇雄"): a place only where one is named


@dataclass(frozen=True)
class _Index:
    zh: dict[str, _Meaning]
    zh_lengths: dict[str, tuple[int, ...]]  # first character -> alias lengths, longest first
    en: dict[str, _Meaning]
    en_words: int  # most words in one English alias


def parse_place(text: str) -> PlaceGuess:
    """Guess the province and city named in free text, Chinese or English; unknown parts are None."""
    matches = find_places(simplified(text))
    # A city in a province the text names wins ("Suzhou, Anhui"); otherwise the first place named.
    named = {m.guesses[0].province for m in matches if m.names_province}
    for match in matches:
        for guess in match.guesses:
            if not match.names_province and guess.province in named:
                return guess
    return matches[0].guesses[0] if matches else PlaceGuess(None, None)


def find_places(text: str) -> list[PlaceMatch]:
    """Every place name in the text, in order; a longer name wins over the names inside it."""
    index = _index()
    return sorted(_find_chinese(text, index) + _find_english(text, index), key=lambda m: m.start)


def place_from_coordinates(lat: float, lon: float) -> PlaceGuess:
    """The city with the nearest centre or county seat, if in China and within about 150 km."""
    if not (_LATITUDES[0] <= lat <= _LATITUDES[1] and _LONGITUDES[0] <= lon <= _LONGITUDES[1]):
        return PlaceGuess(None, None)
    squeeze = math.cos(math.radians(lat))  # a degree of longitude shrinks away from the equator
    p_lat, p_lon, guess = min(
        _points(), key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * squeeze) ** 2
    )
    return guess if _haversine_km(lat, lon, p_lat, p_lon) <= _MAX_KM else PlaceGuess(None, None)


def province_name(key: str, lang: str) -> str:
    """A province's display name: the short Chinese name for "zh…", otherwise the English one."""
    province = _provinces()[key]
    return str(province["key"] if lang.lower().startswith("zh") else province["en"])


def cities_in(province: str) -> tuple[City, ...]:
    """The province's prefecture-level cities, in official code order."""
    return tuple(
        City(c["name"], c["short"], c["en"], c["lat"], c["lon"])
        for c in _provinces()[province]["cities"]
    )


def _find_chinese(text: str, index: _Index) -> list[PlaceMatch]:
    found: list[PlaceMatch] = []
    i = 0
    while i < len(text):
        for length in index.zh_lengths.get(text[i], ()):
            meaning = index.zh.get(text[i : i + length])
            if meaning is None or (meaning.county and not _names_a_county(text, i + length)):
                continue
            end = i + length
            if meaning.guesses and not _names_a_street(text, end, meaning):
                found.append(PlaceMatch(i, end, meaning.names_province, meaning.guesses))
            i = end
            break
        else:
            i += 1
    return found


def _names_a_county(text: str, end: int) -> bool:
    """A county's short name ends the text or a clause, or a place word follows it."""
    return end == len(text) or _COUNTY_AFTER.match(text, end) is not None


def _names_a_street(text: str, end: int, meaning: _Meaning) -> bool:
    if not meaning.bare:
        return False
    if _ZH_STREET_AFTER.match(text, end):
        return True
    return not meaning.names_province and _ZH_DISTRICT_AFTER.match(text, end) is not None


def _find_english(text: str, index: _Index) -> list[PlaceMatch]:
    words = [(m.start(), m.end(), _word_key(m.group())) for m in _EN_WORD.finditer(text)]
    # joined[k]: only spaces or hyphens stand between word k and word k + 1
    joined = [_EN_GAP.fullmatch(text[a[1] : b[0]]) is not None for a, b in pairwise(words)]
    found: list[PlaceMatch] = []
    i = 0
    while i < len(words):
        end, meaning = _longest_english(words, joined, i, index)
        street = end < len(words) and joined[end - 1] and words[end][2] in _EN_STREET_AFTER
        if meaning is not None and meaning.guesses and not street:
            found.append(
                PlaceMatch(words[i][0], words[end - 1][1], meaning.names_province, meaning.guesses)
            )
        i = end
    return found


def _longest_english(
    words: list[tuple[int, int, str]], joined: list[bool], i: int, index: _Index
) -> tuple[int, _Meaning | None]:
    """The longest run of words from word i that is an alias: (index after it, its meaning)."""
    for end in range(min(i + index.en_words, len(words)), i, -1):
        if all(joined[i : end - 1]):
            meaning = index.en.get(" ".join(w[2] for w in words[i:end]))
            if meaning is not None:
                return end, meaning
    return i + 1, None


def _word_key(word: str) -> str:
    """Lower-case ASCII form of a word: accents dropped, curly apostrophes straightened."""
    word = word.replace("’", "'").replace("‘", "'")
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return plain.lower().removesuffix("'s")


def _alias_key(alias: str) -> str:
    return " ".join(_word_key(w) for w in _EN_WORD.findall(alias))


@cache
def _provinces() -> dict[str, dict[str, Any]]:
    return {p["key"]: p for p in _DATA["provinces"]}


@cache
def _points() -> list[tuple[float, float, PlaceGuess]]:
    points: list[tuple[float, float, PlaceGuess]] = []
    for province in _DATA["provinces"]:
        for city in province["cities"]:
            guess = PlaceGuess(province["key"], city["name"])
            points.append((city["lat"], city["lon"], guess))
            points.extend((lat, lon, guess) for lat, lon in city.get("points", ()))
    return points


@cache
def _index() -> _Index:
    zh: dict[str, _Meaning] = {}
    en: dict[str, _Meaning] = {}
    preferred: list[str] = _DATA["preferred"]

    def add(alias: str, meaning: _Meaning) -> None:
        # Chinese keys as the text is read (simplified() turns 乾 into 干: "乾安" → "干安").
        table, key = (en, _alias_key(alias)) if _LATIN.search(alias) else (zh, simplified(alias))
        old = table.get(key)
        table[key] = meaning if old is None else _merge(old, meaning, preferred)

    for phrase in _DATA["not_places"]:
        add(phrase, _Meaning(False, ()))
    for province in _DATA["provinces"]:
        cities = province["cities"]
        only = cities[0]["name"] if len(cities) == 1 else None
        meaning = _Meaning(True, (PlaceGuess(province["key"], only),))
        for alias in (province["name"], province["en"], *province.get("aliases", ())):
            add(alias, meaning)
        add(province["key"], replace(meaning, bare=True))
    for province in _DATA["provinces"]:
        for city in province["cities"]:
            guesses = (PlaceGuess(province["key"], city["name"]),)
            full, short = _Meaning(False, guesses), _Meaning(False, guesses, bare=True)
            add(city["name"], full)
            if city["name"].endswith("自治州"):
                add(city["short"] + "州", full)  # "凉山州"
            if city.get("common_word"):  # "大同" alone is a word; "山西大同" is the city
                add(province["key"] + city["short"], full)
                add(province["name"] + city["short"], full)
            else:
                add(city["short"], short)
            for alias in (city["en"], *city.get("aliases", ())):
                add(alias, short)
    common = set(_DATA["county_common_words"])
    for name in county_names(_DATA["provinces"], common, taken=set(zh)):
        guesses = (PlaceGuess(name.province, name.city),)
        add(name.alias, _Meaning(False, guesses, bare=name.short, county=name.needs_context))
    lengths: dict[str, set[int]] = {}
    for alias in zh:
        lengths.setdefault(alias[0], set()).add(len(alias))
    zh_lengths = {first: tuple(sorted(ls, reverse=True)) for first, ls in lengths.items()}
    en_words = max(len(key.split()) for key in en)
    return _Index(zh, zh_lengths, en, en_words)


def _merge(old: _Meaning, new: _Meaning, preferred: list[str]) -> _Meaning:
    """Two places share an alias: a province or a non-place wins; cities pool, preferred first."""
    if old.names_province or not old.guesses:
        return old
    guesses = list(dict.fromkeys(old.guesses + new.guesses))
    guesses.sort(key=lambda g: g.city not in preferred)
    return _Meaning(False, tuple(guesses), old.bare and new.bare, old.county and new.county)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))
