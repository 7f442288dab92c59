"""Provinces by short name, and where a dialect or a place name points."""

from __future__ import annotations

import re
from functools import lru_cache

# Canonical short name -> (English/pinyin name, major cities that imply the province).
_PROVINCES: dict[str, tuple[str, str]] = {
    "北京": ("beijing", ""), "天津": ("tianjin", ""), "上海": ("shanghai", ""),
    "重庆": ("chongqing", "万州 涪陵"), "河北": ("hebei", "石家庄 保定 邯郸 唐山"),
    "山西": ("shanxi", "太原 大同 运城"), "辽宁": ("liaoning", "沈阳 大连"),
    "吉林": ("jilin", "长春"), "黑龙江": ("heilongjiang", "哈尔滨"),
    "江苏": ("jiangsu", "南京 苏州 徐州"), "浙江": ("zhejiang", "杭州 温州 宁波 金华"),
    "安徽": ("anhui", "合肥 阜阳 六安"), "福建": ("fujian", "福州 厦门 泉州 莆田"),
    "江西": ("jiangxi", "南昌 赣州"), "山东": ("shandong", "济南 青岛 临沂"),
    "河南": ("henan", "郑州 洛阳 周口 商丘 南阳"), "湖北": ("hubei", "武汉 襄阳"),
    "湖南": ("hunan", "长沙 衡阳 邵阳"), "广东": ("guangdong", "广州 深圳 东莞 佛山 潮汕 汕头"),
    "海南": ("hainan", "海口 三亚"), "四川": ("sichuan", "成都 凉山 南充 达州 绵阳"),
    "贵州": ("guizhou", "贵阳 毕节 遵义"), "云南": ("yunnan", "昆明 昭通 大理"),
    "陕西": ("shaanxi", "西安 汉中"), "甘肃": ("gansu", "兰州"), "青海": ("qinghai", "西宁"),
    "台湾": ("taiwan", "台北"), "内蒙古": ("inner mongolia", "呼和浩特 包头"),
    "广西": ("guangxi", "南宁 桂林 玉林 柳州"), "西藏": ("tibet", "拉萨"),
    "宁夏": ("ningxia", "银川"), "新疆": ("xinjiang", "乌鲁木齐"),
    "香港": ("hong kong", ""), "澳门": ("macau", ""),
}  # fmt: skip

# Dialects whose name does not already contain a province name.
_DIALECTS: dict[str, tuple[str, ...]] = {
    "川话": ("四川", "重庆"), "西南官话": ("四川", "重庆", "贵州", "云南"),
    "粤语": ("广东", "广西", "香港", "澳门"), "白话": ("广东", "广西"),
    "cantonese": ("广东", "广西", "香港", "澳门"), "闽南": ("福建",), "hokkien": ("福建",),
    "客家": ("广东", "福建", "江西"), "hakka": ("广东", "福建", "江西"),
    "湘语": ("湖南",), "赣语": ("江西",), "吴语": ("上海", "浙江", "江苏"),
    "东北话": ("辽宁", "吉林", "黑龙江"), "潮汕": ("广东",), "温州话": ("浙江",),
    "壮语": ("广西",), "彝语": ("四川", "云南"), "藏语": ("西藏", "四川", "青海"),
    "维吾尔": ("新疆",), "sichuanese": ("四川", "重庆"),
}  # fmt: skip


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over every province, English and city name, longest first."""
    lookup: dict[str, str] = {}
    for short, (english, cities) in _PROVINCES.items():
        lookup[short] = short
        lookup[english] = short
        lookup.update(dict.fromkeys(cities.split(), short))
    names = sorted(lookup, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))), lookup


@lru_cache(maxsize=1 << 16)
def provinces_in(text: str) -> tuple[str, ...]:
    """Canonical provinces named in a free-text place (四川省凉山州 -> 四川), in order."""
    pattern, lookup = _place_pattern()
    found = (lookup[m.group(0)] for m in pattern.finditer(text.lower()))
    return tuple(dict.fromkeys(found))


def canonical_province(text: str) -> str | None:
    """The first province a name refers to: 四川省, 四川 and Sichuan all give 四川."""
    found = provinces_in(text)
    return found[0] if found else None


@lru_cache(maxsize=1 << 10)
def dialect_provinces(dialect: str) -> tuple[str, ...]:
    """Provinces where a dialect is spoken: 粤语 -> 广东, 广西; 河南话 -> 河南."""
    lowered = dialect.lower()
    found = [p for key, ps in _DIALECTS.items() if key in lowered for p in ps]
    return tuple(dict.fromkeys([*found, *provinces_in(dialect)]))


_DIALECT_SUFFIXES = ("方言", "口音", "话", "语", "腔")


@lru_cache(maxsize=1 << 10)
def dialect_key(dialect: str) -> str | None:
    """A dialect in one comparable form: 四川话/四川方言 -> 四川, 粤语/白话/cantonese -> 粤语."""
    text = dialect.strip().lower()
    if not text:
        return None
    named = provinces_in(text)
    if len(named) == 1:
        return named[0]
    found = [key for key in _DIALECTS if key in text]
    if found:
        return _SAME_DIALECT.get(found[0], found[0])
    for suffix in _DIALECT_SUFFIXES:
        text = text.removesuffix(suffix)
    return text or None


# Names of one dialect that the table keeps apart for their provinces.
_SAME_DIALECT = {"白话": "粤语", "cantonese": "粤语", "hokkien": "闽南", "hakka": "客家",
                 "sichuanese": "川话"}  # fmt: skip
