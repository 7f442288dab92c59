"""The benchmark model's tables: names, provinces, and marks worded several ways."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Approximate shares (%) of the commonest surnames, and a few rare ones (阳 is also a given name).
SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.8, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.1,
    "吴": 2.0, "周": 1.9, "徐": 1.3, "孙": 1.2, "马": 1.1, "朱": 1.1, "胡": 1.0, "郭": 0.97,
    "何": 0.9, "高": 0.87, "林": 0.85, "罗": 0.82, "郑": 0.75, "梁": 0.7, "谢": 0.6, "宋": 0.5,
    "唐": 0.5, "许": 0.45, "韩": 0.44, "冯": 0.43, "邓": 0.43, "曹": 0.42, "彭": 0.41,
    "曾": 0.4, "肖": 0.4, "田": 0.39, "董": 0.38, "袁": 0.37, "潘": 0.36, "蒋": 0.35,
    "阳": 0.05, "欧阳": 0.05, "文": 0.1, "时": 0.05, "成": 0.05,
}  # fmt: skip
BOY_CHARS = (
    "伟勇军杰涛明浩磊强鹏宇俊豪辉超鑫龙飞波斌家子文博轩晨阳凯建志华平东海林峰刚健成亮"
    "翔宏伦泽锐睿航毅恒瑞嘉彬帅旭晖程锋坤洋铭宁新春光亚国庆永安广德福顺利兵振凡锦奕鸣诚瀚"
)
GIRL_CHARS = (
    "丽娟静敏燕婷雪琳欣怡佳雨梦思晶慧玲萍红芳霞月琪涵悦颖倩洁瑶蓉丹玉兰秀娜艳子"
    "媛菲彤妍诗萱薇璐露茜莉丝岚桂凤梅英芬娇妮楠晓璇梓晴可馨雯冰萌心语若宁乐嘉美文淑舒"
)
# Characters that are not in the pools but sound like characters that are (homophone swaps).
HOMOPHONE_POOL = (
    "涌永咏泳卫威维玮薇君均峻骏捷婕节滔韬鸣铭名昊皓灏垒蕾朋彭语羽郡毫晖惠会潮朝欣新心馨星兴"
    "隆菲非斐柏伯彬宾滨嘉加紫梓姿雯闻萱宣辰臣扬洋恺楷剑坚智致芝花桦苹凭冬栋琳霖麟锋丰风钢"
    "纲诚程城靓莉立力俐涓隽婧菁精庭亭薛宜仪逸萌丝斯宏鸿虹方夏侠越岳琦奇晗寒韩莹盈英茜遥尧"
    "耀容荣融蓝岚绣纳雁彦"
)
COMMON_NICKNAMES = [
    "小宝",
    "宝宝",
    "毛毛",
    "乐乐",
    "豆豆",
    "贝贝",
    "丫丫",
    "妞妞",
    "球球",
    "壮壮",
    "胖胖",
    "甜甜",
    "小虎",
    "东东",
]
# Home province -> (weight, the dialect as families write it, cities).
PROVINCES = {
    "四川": (12, "四川话", "凉山 南充 达州 绵阳"), "贵州": (10, "贵州话", "毕节 遵义 贵阳"),
    "云南": (9, "云南话", "昭通 大理 昆明"), "河南": (9, "河南话", "周口 商丘 南阳"),
    "广西": (8, "白话", "玉林 南宁 柳州"), "湖南": (7, "湘语", "邵阳 衡阳 长沙"),
    "安徽": (6, "安徽话", "阜阳 六安 合肥"), "湖北": (5, "湖北话", "襄阳 武汉"),
    "江西": (5, "赣语", "赣州 南昌"), "重庆": (5, "重庆话", "万州 涪陵"),
    "山东": (4, "山东话", "临沂 济南"), "广东": (4, "客家话", "梅州 湛江"),
    "福建": (3, "闽南话", "泉州 莆田"), "河北": (3, "河北话", "邯郸 保定"),
    "陕西": (3, "陕西话", "汉中 西安"), "甘肃": (2, "甘肃话", "天水 兰州"),
}  # fmt: skip
WORK_PROVINCES = ["广东", "浙江", "福建", "江苏"]
SEEN_IN = {"广东": 30, "浙江": 15, "福建": 15, "江苏": 15, "河南": 5, "山东": 5, "四川": 5,
           "湖南": 5, "河北": 5}  # fmt: skip

# Kind of mark -> share of marks of that kind.
KIND_SHARES = {
    "mole": 0.3, "birthmark": 0.25, "scar": 0.25, "burn": 0.1, "extra_digit": 0.03,
    "cleft_lip": 0.03, "double_crown": 0.04,
}  # fmt: skip
# How families and tipsters word a kind: (Chinese wordings, English wordings).
KIND_WORDS = {
    "mole": (["痣", "黑痣", "一颗痣"], ["a mole", "a dark mole"]),
    "birthmark": (["胎记", "青记", "一块胎记"], ["a birthmark", "a birth mark"]),
    "scar": (["疤", "伤疤", "一道疤痕"], ["a scar", "a scar from stitches"]),
    "burn": (["烫伤", "烫伤的疤", "烧伤"], ["a burn mark", "an old burn"]),
    "extra_digit": (["六指", "多一个指头"], ["an extra digit", "six digits"]),
    "cleft_lip": (["兔唇", "唇裂", "豁嘴"], ["a cleft lip", "a hare lip"]),
    "double_crown": (["双旋", "两个旋"], ["a double crown", "two hair whorls"]),
}
# Extra digits are worded with the part: 六个脚趾 / six toes, 六个手指 / six fingers.
DIGIT_WORDS = {
    "hand": (["六个手指", "六指", "多一根手指"], ["six fingers", "an extra finger"]),
    "foot": (["六个脚趾", "六趾", "多一个脚趾"], ["six toes", "an extra toe"]),
}
PARTS = {
    "face": (["脸上", "脸颊", "面部"], ["cheek", "face"]),
    "forehead": (["额头", "脑门"], ["forehead"]),
    "ear": (["耳朵", "耳后"], ["ear"]),
    "neck": (["脖子", "颈部"], ["neck"]),
    "hand": (["手背", "手上"], ["hand"]),
    "arm": (["胳膊", "手臂"], ["arm"]),
    "leg": (["腿上", "大腿", "小腿"], ["leg", "thigh"]),
    "back": (["后背", "背上"], ["back"]),
    "eye": (["眼角", "眼睛旁边"], ["eye"]),
    "shoulder": (["肩膀"], ["shoulder"]),
    "foot": (["脚上", "脚背"], ["foot"]),
    "mouth": (["嘴唇", "嘴巴"], ["mouth", "lip"]),
    "head": (["头顶", "后脑勺"], ["head", "crown"]),
}
SIDE_WORDS = {"左": ("左", "left"), "右": ("右", "right")}


@dataclass(frozen=True)
class MarkConcept:
    """One mark as the model knows it: what, where, which side ('' when not said)."""

    kind: str
    part: str
    side: str


def render_mark(mark: MarkConcept, rng: random.Random, *, chinese: bool) -> str:
    """The mark in words, one of several wordings in either language."""
    lang = 0 if chinese else 1
    side = SIDE_WORDS[mark.side][lang] if mark.side else ""
    if mark.kind == "extra_digit":
        return f"{side}{rng.choice(DIGIT_WORDS[mark.part][lang])}" if chinese else (
            f"{rng.choice(DIGIT_WORDS[mark.part][lang])}{' on the ' + side + ' side' if side else ''}"
        )  # fmt: skip
    kind = rng.choice(KIND_WORDS[mark.kind][lang])
    part = rng.choice(PARTS[mark.part][lang])
    if chinese:
        return f"{side}{part}有{kind}"
    return f"{kind} on the {' '.join(filter(None, [side, part]))}"
