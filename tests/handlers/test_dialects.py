"""Dialect groups and the parser the intake interview uses for "what dialect did they speak?"."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from handlers.dialects import (
    DIALECT_GROUPS,
    DialectGuess,
    candidate_cities,
    candidate_provinces,
    dialect_from_text,
)
from handlers.places import PROVINCES, cities_in

NORTHEAST = ["黑龙江", "吉林", "辽宁"]


def test_group_ids_are_the_interview_choice_values() -> None:
    assert DIALECT_GROUPS == (
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


def test_candidate_provinces_most_likely_first() -> None:
    assert candidate_provinces("cantonese")[0] == "广东"
    assert candidate_provinces("southwestern")[:2] == ["四川", "重庆"]
    assert candidate_provinces("minnan")[0] == "福建"
    assert "台湾" in candidate_provinces("minnan")
    assert candidate_provinces("jin")[0] == "山西"
    assert candidate_provinces("minority")[:2] == ["新疆", "西藏"]
    assert candidate_provinces("not_sure") == []


def test_candidate_cities_narrow_a_group_down() -> None:
    assert {"泉州市", "厦门市", "漳州市", "汕头市", "潮州市", "揭阳市"} <= set(
        candidate_cities("minnan")
    )
    assert candidate_cities("not_sure") == []


def test_every_candidate_is_a_known_province_or_city() -> None:
    cities = {city.name for province in PROVINCES for city in cities_in(province)}
    for group in DIALECT_GROUPS:
        assert set(candidate_provinces(group)) <= set(PROVINCES), group
        assert set(candidate_cities(group)) <= cities, group


def test_every_alias_points_to_known_provinces() -> None:
    data = json.loads(resources.files("handlers.data").joinpath("dialects.json").read_text("utf-8"))
    for group in data["groups"]:
        for alias, provinces in group["aliases"].items():
            assert set(provinces) <= set(PROVINCES), alias
    assert set(data["province_groups"]) == set(PROVINCES)
    assert set(data["province_groups"].values()) <= set(DIALECT_GROUPS)


def test_an_unknown_group_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        candidate_provinces("klingon")


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("粤语", "cantonese"),
        ("他说广东话", "cantonese"),
        ("白话", "cantonese"),
        ("Cantonese", "cantonese"),
        ("四川话", "southwestern"),
        ("重庆话", "southwestern"),
        ("Sichuanese", "southwestern"),
        ("闽南话", "minnan"),
        ("福建话", "minnan"),
        ("台语", "minnan"),
        ("Hokkien", "minnan"),
        ("客家话", "hakka"),
        ("hakka", "hakka"),
        ("上海话", "wu"),
        ("温州话", "wu"),
        ("苏州话", "wu"),
        ("吴语", "wu"),
        ("Shanghainese", "wu"),
        ("湖南话", "xiang"),
        ("长沙话", "xiang"),
        ("江西话", "gan"),
        ("山西话", "jin"),
        ("维吾尔语", "minority"),
        ("藏语", "minority"),
        ("蒙古语", "minority"),
        ("彝语", "minority"),
        ("壮语", "minority"),
        ("苗语", "minority"),
        ("he spoke Uyghur", "minority"),
        ("普通话", "mandarin_accent"),
        ("Mandarin", "mandarin_accent"),
    ],
)
def test_aliases_in_both_languages(text: str, group: str) -> None:
    assert dialect_from_text(text).group == group


def test_an_alias_naming_a_place_narrows_the_provinces() -> None:
    assert dialect_from_text("温州话") == DialectGuess("wu", ["浙江"])
    assert dialect_from_text("Sichuanese") == DialectGuess("southwestern", ["四川", "重庆"])
    assert dialect_from_text("台语") == DialectGuess("minnan", ["台湾", "福建"])


def test_a_general_alias_offers_the_group_candidates() -> None:
    assert dialect_from_text("粤语") == DialectGuess("cantonese", candidate_provinces("cantonese"))


@pytest.mark.parametrize(
    ("text", "provinces"),
    [
        ("河南话", ["河南"]),
        ("带点河南口音", ["河南"]),
        ("口音像河南那边的", ["河南"]),
        ("山东口音", ["山东"]),
        ("东北话", NORTHEAST),
        ("东北的", NORTHEAST),
        ("Henan accent", ["河南"]),
        ("a strong Shandong accent", ["山东"]),
        ("an accent from Henan", ["河南"]),
        ("northeastern accent", NORTHEAST),
        ("河南", ["河南"]),
    ],
)
def test_a_province_or_region_named_as_an_accent(text: str, provinces: list[str]) -> None:
    assert dialect_from_text(text) == DialectGuess("mandarin_accent", provinces)


def test_a_city_accent_takes_the_city_group() -> None:
    assert dialect_from_text("温州口音") == DialectGuess("wu", ["浙江"])
    assert dialect_from_text("梅州客家话") == DialectGuess("hakka", ["广东"])
    assert dialect_from_text("成都") == DialectGuess("southwestern", ["四川"])


def test_the_place_of_the_accent_beats_a_generic_word() -> None:
    assert dialect_from_text("四川普通话") == DialectGuess("southwestern", ["四川"])
    assert dialect_from_text("Sichuan Mandarin") == DialectGuess("southwestern", ["四川"])


def test_a_place_that_is_not_an_accent_is_ignored() -> None:
    guess = dialect_from_text("在成都火车站看到一个小孩，说河南话")
    assert guess == DialectGuess("mandarin_accent", ["河南"])


@pytest.mark.parametrize("text", ["不知道", "听不出来", "not sure", "I don't know", "not_sure"])
def test_not_sure(text: str) -> None:
    assert dialect_from_text(text) == DialectGuess("not_sure", [])


def test_a_real_answer_beats_not_sure() -> None:
    assert dialect_from_text("不确定，可能是四川话") == DialectGuess("southwestern", ["四川"])


@pytest.mark.parametrize("text", ["", "hello world", "Mr Wu said hi", "他个子很高"])
def test_unknown_text_gives_nothing(text: str) -> None:
    assert dialect_from_text(text) == DialectGuess(None, [])


def test_a_choice_value_typed_back_is_that_group() -> None:
    assert dialect_from_text(" Cantonese ") == DialectGuess(
        "cantonese", candidate_provinces("cantonese")
    )
    assert dialect_from_text("mandarin_accent").group == "mandarin_accent"


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("不是四川话", "not_sure"),  # ruled out, not named
        ("不是广东话，是客家话", "hakka"),
        ("not Cantonese, more like Hakka", "hakka"),
        ("大人讲广东话，孩子讲客家话", "hakka"),  # the question is about the child
        ("孩子讲客家话，大人讲广东话", "hakka"),
        ("孩子他爸讲广东话，孩子讲客家话", "hakka"),  # 孩子他爸 is an adult
        ("不知道是不是客家话", "hakka"),  # a hedge, not a denial
        ("普通话不标准，带四川口音", "southwestern"),
    ],
)
def test_a_dialect_ruled_out_or_spoken_by_the_adults_is_not_the_childs(
    text: str, group: str
) -> None:
    assert dialect_from_text(text).group == group


@pytest.mark.parametrize("text", ["普通话很标准", "标准普通话", "standard Mandarin, no accent"])
def test_standard_mandarin_names_no_province(text: str) -> None:
    assert dialect_from_text(text) == DialectGuess("mandarin_accent", [])


@pytest.mark.parametrize("text", ["不是很标准的普通话", "not very standard Mandarin"])
def test_mandarin_said_not_to_be_standard_keeps_its_candidates(text: str) -> None:
    assert dialect_from_text(text).provinces == candidate_provinces("mandarin_accent")


def test_traditional_characters_are_read_too() -> None:
    assert dialect_from_text("閩南話").group == "minnan"
    assert dialect_from_text("東北口音") == DialectGuess("mandarin_accent", NORTHEAST)
