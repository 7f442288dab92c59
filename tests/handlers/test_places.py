"""The offline place table and the parsers the intake interview uses for "where?"."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from handlers.places import (
    PROVINCES,
    PlaceGuess,
    _index,
    cities_in,
    find_places,
    parse_place,
    place_from_coordinates,
    province_name,
)

NOWHERE = PlaceGuess(None, None)
CHENGDU = PlaceGuess("四川", "成都市")


@pytest.mark.parametrize(
    "text",
    ["四川省成都市武侯区某某街", "在成都火车站附近", "成都", "四川成都", "成都市区"],
)
def test_chinese_full_and_short_names_anywhere_in_the_text(text: str) -> None:
    assert parse_place(text) == CHENGDU


@pytest.mark.parametrize(
    "text",
    ["near Chengdu railway station", "CHENGDU", "chengdu, sichuan", "at Chengdu's east station"],
)
def test_english_names_in_any_case(text: str) -> None:
    assert parse_place(text) == CHENGDU


def test_province_then_city_and_city_then_town() -> None:
    assert parse_place("广东东莞") == PlaceGuess("广东", "东莞市")
    assert parse_place("东莞市长安镇") == PlaceGuess("广东", "东莞市")
    assert parse_place("Dongguan, Guangdong") == PlaceGuess("广东", "东莞市")


def test_a_province_alone_leaves_the_city_unknown() -> None:
    assert parse_place("我在河南") == PlaceGuess("河南", None)
    assert parse_place("somewhere in Inner Mongolia") == PlaceGuess("内蒙古", None)
    assert parse_place("Shaanxi") == PlaceGuess("陕西", None)
    assert parse_place("Shanxi") == PlaceGuess("山西", None)


def test_a_municipality_or_sar_is_its_own_city() -> None:
    assert parse_place("在北京西站") == PlaceGuess("北京", "北京市")
    assert parse_place("Hong Kong, Mong Kok") == PlaceGuess("香港", "香港特别行政区")
    assert parse_place("浦东机场") == PlaceGuess("上海", "上海市")


def test_xian_is_not_xiamen() -> None:
    assert parse_place("Xi'an") == PlaceGuess("陕西", "西安市")
    assert parse_place("Xi’an bus station") == PlaceGuess("陕西", "西安市")
    assert parse_place("Xian") == PlaceGuess("陕西", "西安市")
    assert parse_place("Xiamen") == PlaceGuess("福建", "厦门市")


@pytest.mark.parametrize("text", ["Chengduxyz", "a family of Ilis", "Shamir", "Xiamenese"])
def test_english_names_do_not_match_inside_other_words(text: str) -> None:
    assert parse_place(text) == NOWHERE


def test_dalian_is_not_dali() -> None:
    assert parse_place("Dalian") == PlaceGuess("辽宁", "大连市")
    assert parse_place("Dali") == PlaceGuess("云南", "大理白族自治州")


def test_the_longest_name_wins() -> None:
    assert parse_place("吉林省吉林市") == PlaceGuess("吉林", "吉林市")
    assert parse_place("吉林") == PlaceGuess("吉林", None)
    assert parse_place("海南藏族自治州") == PlaceGuess("青海", "海南藏族自治州")
    assert parse_place("海南") == PlaceGuess("海南", None)
    assert parse_place("大兴安岭") == PlaceGuess("黑龙江", "大兴安岭地区")
    assert parse_place("凉山州西昌") == PlaceGuess("四川", "凉山彝族自治州")


def test_an_ambiguous_city_takes_the_named_province() -> None:
    assert parse_place("Suzhou") == PlaceGuess("江苏", "苏州市")
    assert parse_place("Suzhou, Anhui") == PlaceGuess("安徽", "宿州市")
    assert parse_place("Fuzhou, Jiangxi") == PlaceGuess("江西", "抚州市")
    assert parse_place("Jiangsu Taizhou") == PlaceGuess("江苏", "泰州市")


def test_streets_and_districts_named_after_places_are_not_those_places() -> None:
    assert parse_place("上海南京东路") == PlaceGuess("上海", "上海市")
    assert parse_place("北京市朝阳区") == PlaceGuess("北京", "北京市")
    assert parse_place("Zhongshan Road, Guangzhou") == PlaceGuess("广东", "广州市")
    assert parse_place("北海道") == NOWHERE


def test_city_names_that_are_everyday_words_need_their_province() -> None:
    assert parse_place("大同小异") == NOWHERE
    assert parse_place("山西大同") == PlaceGuess("山西", "大同市")
    assert parse_place("大同市") == PlaceGuess("山西", "大同市")


def test_well_known_county_level_cities_point_to_their_prefecture() -> None:
    assert parse_place("在义乌小商品市场") == PlaceGuess("浙江", "金华市")
    assert parse_place("Kunshan") == PlaceGuess("江苏", "苏州市")


@pytest.mark.parametrize("text", ["", "不知道", "somewhere near a big market", "123"])
def test_unknown_text_gives_nothing(text: str) -> None:
    assert parse_place(text) == NOWHERE


def test_find_places_reports_every_name_in_order() -> None:
    matches = find_places("从四川成都到 Guangzhou")
    assert [(m.start, m.end) for m in matches] == [(1, 3), (3, 5), (7, 16)]
    assert [m.names_province for m in matches] == [True, False, False]
    assert matches[2].guesses == (PlaceGuess("广东", "广州市"),)


def test_the_place_index_is_built_once() -> None:
    """Speed is measured by `python -m bench.parsing`; here, that no call rebuilds the index."""
    text = "我是在四川省成都市武侯区火车站附近看到这个孩子的 near Chengdu railway station"
    for _ in range(20):
        parse_place(text)
    assert _index.cache_info().misses == 1


def test_coordinates_find_the_nearest_city() -> None:
    assert place_from_coordinates(30.66, 104.06) == CHENGDU
    assert place_from_coordinates(30.81, 108.41) == PlaceGuess("重庆", "重庆市")  # Wanzhou
    assert place_from_coordinates(22.30, 114.17) == PlaceGuess("香港", "香港特别行政区")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(30.0, 150.0), (-33.9, 151.2), (47.9, 106.9), (39.02, 125.75), (float("nan"), 104.0)],
)
def test_coordinates_outside_china_give_nothing(lat: float, lon: float) -> None:
    assert place_from_coordinates(lat, lon) == NOWHERE


def test_province_names_in_both_languages() -> None:
    assert province_name("四川", "zh") == "四川"
    assert province_name("四川", "zh-CN") == "四川"
    assert province_name("四川", "en") == "Sichuan"
    assert province_name("内蒙古", "en") == "Inner Mongolia"
    assert province_name("香港", "en") == "Hong Kong"
    with pytest.raises(KeyError):
        province_name("Atlantis", "en")


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("handlers.data").joinpath("places.json").read_text("utf-8")
    )
    return data


def test_all_34_provincial_divisions_are_there() -> None:
    kinds = [p["kind"] for p in _data()["provinces"]]
    assert len(PROVINCES) == len(set(PROVINCES)) == 34
    assert {
        "四川",
        "广东",
        "北京",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
        "香港",
        "澳门",
        "台湾",
    } <= set(PROVINCES)
    assert (kinds.count("province"), kinds.count("autonomous_region")) == (23, 5)
    assert (kinds.count("municipality"), kinds.count("sar")) == (4, 2)


def test_every_prefecture_level_division_is_there() -> None:
    assert sum(len(cities_in(p)) for p in PROVINCES) >= 340
    assert len(cities_in("四川")) == len(cities_in("广东")) == 21
    assert [c.name for c in cities_in("北京")] == ["北京市"]
    assert "凉山彝族自治州" in {c.name for c in cities_in("四川")}


def test_every_city_lies_inside_china_and_has_unique_names() -> None:
    for province in _data()["provinces"]:
        names = [c["name"] for c in province["cities"]]
        assert len(names) == len(set(names)), province["key"]
        for city in province["cities"]:
            for lat, lon in [(city["lat"], city["lon"]), *city.get("points", [])]:
                assert 3.5 <= lat <= 53.6 and 73.4 <= lon <= 135.1, city["name"]
            assert city["short"] and city["en"], city["name"]


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("镇雄", "云南", "昭通市"),  # a county stands for its prefecture
        ("固始的一个村", "河南", "信阳市"),
        ("他说是镇雄人", "云南", "昭通市"),
        ("在镇雄县城附近", "云南", "昭通市"),
        ("天河区", "广东", "广州市"),
        ("南部县", "四川", "南充市"),
        ("义乌", "浙江", "金华市"),
    ],
)
def test_a_county_names_its_prefecture(text: str, province: str, city: str) -> None:
    assert parse_place(text) == PlaceGuess(province, city)


@pytest.mark.parametrize(
    "text",
    [
        "报了公安",
        "在公安局门口",
        "江山",
        "镇雄路",
        "我们在镇上和县城都贴了寻人启事",
        "万达商城那边",
        "在城区的公园",
        "陕西南路",  # a street, even now that 陝西 is read as 陕西
    ],
)
def test_a_county_name_that_is_an_everyday_word_is_not_a_place(text: str) -> None:
    assert parse_place(text).city is None


def test_a_shop_named_after_a_place_is_not_that_place() -> None:
    assert parse_place("兰州拉面馆门口，郑州二七区") == PlaceGuess("河南", "郑州市")
    assert parse_place("在大理石厂旁边") == PlaceGuess(None, None)


def test_traditional_characters_are_read_too() -> None:
    assert parse_place("廣東省廣州市火車站") == PlaceGuess("广东", "广州市")
    assert parse_place("東莞") == PlaceGuess("广东", "东莞市")


def test_hong_kong_districts_and_a_character_opencc_changes() -> None:
    assert parse_place("九龍旺角") == PlaceGuess("香港", "香港特别行政区")  # not Sichuan's 九龙县
    assert parse_place("四川九龙县") == PlaceGuess("四川", "甘孜藏族自治州")
    assert parse_place("九龙坡") == PlaceGuess("重庆", "重庆市")
    assert parse_place("乾安") == PlaceGuess("吉林", "松原市")  # OpenCC reads 乾 as 干
