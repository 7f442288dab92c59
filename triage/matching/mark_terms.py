"""Reading distinguishing marks out of Chinese or English free text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Kind of mark -> (share of children who have one, Chinese and English terms).
KINDS: dict[str, tuple[float, str]] = {
    "birthmark": (0.15, "胎记 胎痣 青记 斑 birthmark birthmarks birth-mark birth-marks"),
    "mole": (0.25, "痣 mole moles"),
    "scar": (0.20, "疤 伤疤 疤痕 刀疤 缝过针 缝针 scar scars scarred stitches"),
    "burn": (0.04, "烫伤 烧伤 烫疤 烫过 burn burns burned burnt burn-mark burn-scar"),
    "extra_digit": (0.005, "六指 六趾 多指 枝指 多一个指头 多一根指头 extra-digit extra-digits six-digits polydactyly"),
    "cleft_lip": (0.005, "兔唇 唇裂 豁嘴 缺唇 cleft-lip hare-lip harelip"),
    "dimple": (0.15, "酒窝 梨涡 dimple dimples"),
    "double_crown": (0.05, "双旋 两个旋 两个发旋 double-crown double-whorl two-crowns two-hair-whorls hair-whorls"),
    "freckles": (0.08, "雀斑 斑点 freckle freckles"),
    "snaggletooth": (0.06, "虎牙 龅牙 snaggletooth buck-teeth"),
    "limp": (0.02, "跛 瘸 limp limps limping"),
    "squint": (0.02, "斜视 斗鸡眼 squint cross-eyed lazy-eye"),
    "deaf_mute": (0.01, "聋 哑 deaf mute"),
}  # fmt: skip
PARTS: dict[str, str] = {
    "face": "脸 面部 脸颊 脸蛋 面颊 face cheek cheeks",
    "forehead": "额头 额 脑门 forehead brow",
    "ear": "耳朵 耳后 耳垂 耳 ear ears earlobe",
    "eye": "眼睛 眼角 眼皮 眼 眉毛 眉 eye eyes eyelid eyebrow",
    "nose": "鼻子 鼻梁 鼻 nose",
    "mouth": "嘴巴 嘴角 嘴唇 嘴 下巴 唇 mouth lip lips chin",
    "neck": "脖子 颈 neck",
    "head": "头顶 后脑勺 后脑 头皮 头 head scalp crown",
    "hand": "手背 手掌 手心 手指 手腕 手 hand hands finger fingers palm wrist",
    "arm": "胳膊 手臂 臂 肘 arm arms elbow",
    "shoulder": "肩膀 肩 shoulder shoulders",
    "chest": "胸口 胸 chest",
    "back": "后背 背部 背上 back",
    "belly": "肚子 腹部 肚脐 belly stomach tummy navel",
    "bottom": "屁股 臀部 臀 buttock buttocks bottom",
    "leg": "大腿 小腿 膝盖 腿 leg legs thigh knee",
    "foot": "脚背 脚趾 脚底 脚 foot feet toe toes",
}  # fmt: skip
# Wordings that name a kind of mark and where it is at once: 六个脚趾 is an extra digit on a foot,
# 六指 (指 a finger) one on a hand.
COMBINED: dict[str, tuple[str, str]] = {
    "六指": ("extra_digit", "hand"), "多指": ("extra_digit", "hand"), "枝指": ("extra_digit", "hand"),
    "多趾": ("extra_digit", "foot"), "六个手指": ("extra_digit", "hand"), "多一个手指": ("extra_digit", "hand"),
    "多一根手指": ("extra_digit", "hand"), "六根手指": ("extra_digit", "hand"),
    "six-fingers": ("extra_digit", "hand"), "extra-finger": ("extra_digit", "hand"),
    "extra-fingers": ("extra_digit", "hand"), "six-fingered": ("extra_digit", "hand"),
    "六个脚趾": ("extra_digit", "foot"), "六趾": ("extra_digit", "foot"),
    "多一个脚趾": ("extra_digit", "foot"), "多一根脚趾": ("extra_digit", "foot"),
    "six-toes": ("extra_digit", "foot"), "extra-toe": ("extra_digit", "foot"),
    "extra-toes": ("extra_digit", "foot"), "six-toed": ("extra_digit", "foot"),
    "兔唇": ("cleft_lip", "mouth"), "唇裂": ("cleft_lip", "mouth"), "豁嘴": ("cleft_lip", "mouth"),
    "cleft-lip": ("cleft_lip", "mouth"), "hare-lip": ("cleft_lip", "mouth"),
    "harelip": ("cleft_lip", "mouth"),
    "双旋": ("double_crown", "head"), "两个旋": ("double_crown", "head"),
    "double-crown": ("double_crown", "head"), "hair-whorls": ("double_crown", "head"),
}  # fmt: skip
# Qualities a mark can have; two descriptions that name different ones conflict.
QUALITIES: dict[str, dict[str, str]] = {
    "side": {"left": "左 left", "right": "右 right"},
    "colour": {
        "red": "红 粉红 red reddish pink", "blue": "青 蓝 紫 blue bluish purple",
        "black": "黑 black", "brown": "褐 棕 咖啡色 brown coffee", "white": "白 white pale",
    },
    "size": {
        "small": "米粒 绿豆 黄豆 芝麻 指甲盖 small tiny", "medium": "硬币 coin coin-sized",
        "large": "巴掌大 鸡蛋大 一大片 large big palm-sized",
    },
}  # fmt: skip
_QUALITY_SHARE = {"side": 1 / 2, "colour": 1 / 3, "size": 1 / 3}


@dataclass(frozen=True)
class MarkConcepts:
    """The kinds, body parts and qualities (side, colour, size) one clause mentions."""

    kinds: frozenset[str]
    parts: frozenset[str]
    qualities: frozenset[tuple[str, str]]  # e.g. ("side", "left"), ("colour", "red")

    @property
    def empty(self) -> bool:
        """Whether nothing comparable was found."""
        return not (self.kinds or self.parts)

    def quality(self, group: str) -> frozenset[str]:
        """The values mentioned for one quality group, e.g. {"left"}."""
        return _quality(self.qualities, group)


@lru_cache(maxsize=1 << 12)
def _quality(qualities: frozenset[tuple[str, str]], group: str) -> frozenset[str]:
    return frozenset(value for g, value in qualities if g == group)


def quality_share(group: str) -> float:
    """Chance two unrelated marks agree on a quality such as the side."""
    return _QUALITY_SHARE[group]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern[str], dict[str, tuple[tuple[str, str], ...]]]:
    """One longest-first alternation so 手臂 is an arm, not a hand and an arm."""
    lookup: dict[str, tuple[tuple[str, str], ...]] = {}
    for group, table in (*QUALITIES.items(), ("part", PARTS)):
        for concept, terms in table.items():
            lookup.update({_term(t): ((group, concept),) for t in terms.split()})
    for concept, (_share, terms) in KINDS.items():
        lookup.update({_term(t): (("kind", concept),) for t in terms.split()})
    for term, (kind, part) in COMBINED.items():
        lookup[_term(term)] = (("kind", kind), ("part", part))
    alternatives = []
    for term in sorted(lookup, key=len, reverse=True):
        escaped = re.escape(term)
        alternatives.append(escaped if not term.isascii() else rf"\b{escaped}\b")
    return re.compile("|".join(alternatives)), lookup


def _term(raw: str) -> str:
    """Multi-word terms are written with '-' in the tables above."""
    return raw.replace("-", " ").lower()


_CLAUSE_BREAK = re.compile(r"[,.;，。；、\n]|\band\b|\bwith\b|还有|以及|另外")


@lru_cache(maxsize=1 << 17)
def read_marks(text: str) -> tuple[MarkConcepts, ...]:
    """One set of concepts per clause, so "左脸胎记，右手疤" keeps each side with its mark."""
    pattern, lookup = _vocabulary()
    clauses = []
    for clause in _CLAUSE_BREAK.split(text.lower().replace("-", " ")):
        kinds, parts, qualities = set(), set(), set()
        for match in pattern.finditer(clause):
            for group, concept in lookup[match.group(0)]:
                if group == "kind":
                    kinds.add(concept)
                elif group == "part":
                    parts.add(concept)
                else:
                    qualities.add((group, concept))
        concepts = MarkConcepts(frozenset(kinds), frozenset(parts), frozenset(qualities))
        if not concepts.empty:
            clauses.append(concepts)
    return tuple(clauses)


def kind_share(kind: str) -> float:
    """Share of children with this kind of mark: a shared 六指 says more than a mole."""
    return KINDS[kind][0]
