"""County-level names in the place data, and which of their short forms are safe to read.

A county stands for its prefecture ("镇雄" is 云南, 昭通市). Its full name is always a name
("天河区", "镇雄县"; one shared by two cities means both); the short name of a county or
county-level city only if no other county has it and it is not an everyday word ("镇雄", not
"公安"; nor the full names that are everyday words: "城区", "郊区"). Names as short as a word
need a place named around them ("和县", "镇雄").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["CountyName", "county_names"]


@dataclass(frozen=True)
class CountyName:
    """One way of writing a county, and the prefecture it stands for."""

    alias: str
    province: str
    city: str
    short: bool  # the name without 县/市 (a street word after it overrides it)
    needs_context: bool  # as short as a word: a place only where one is named


def county_names(
    provinces: list[dict[str, Any]], common: set[str], taken: set[str]
) -> Iterator[CountyName]:
    """Every county's names, except those `taken` by a province or city (which keep theirs)."""
    counties = [
        (province["key"], city["name"], county)
        for province in provinces
        for city in province["cities"]
        for county in city.get("counties", ())
    ]
    shorts = Counter(_short(county) for _, _, county in counties)
    for province, city, county in counties:
        if county not in taken and county not in common:
            yield CountyName(county, province, city, False, needs_context=len(county) == 2)
        short = _short(county)
        if short and shorts[short] == 1 and short not in taken and short not in common:
            yield CountyName(short, province, city, True, needs_context=True)


def _short(name: str) -> str | None:
    """ "镇雄县" → "镇雄", "义乌市" → "义乌"; None for districts, banners, autonomous counties."""
    if "自治" in name or not name.endswith(("县", "市")) or len(name) < 3:
        return None
    return name[:-1]
