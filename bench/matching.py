"""Matching benchmark: recall and latency on a synthetic registry with realistic noise.

Run with `python -m bench.matching [--sizes 1000,10000,20000,100000] [--tips 600]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from pypinyin import Style, lazy_pinyin
from rapidfuzz.fuzz import ratio

from triage.matching import Matcher, RegistryProfile, TipProfile

SEED = 20260301
TODAY = date(2026, 6, 30)
# Approximate shares (%) of the commonest surnames.
SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.8, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.1,
    "吴": 2.0, "周": 1.9, "徐": 1.3, "孙": 1.2, "马": 1.1, "朱": 1.1, "胡": 1.0, "郭": 0.97,
    "何": 0.9, "高": 0.87, "林": 0.85, "罗": 0.82, "郑": 0.75, "梁": 0.7, "谢": 0.6, "宋": 0.5,
    "唐": 0.5, "许": 0.45, "韩": 0.44, "冯": 0.43, "邓": 0.43, "曹": 0.42, "彭": 0.41,
    "曾": 0.4, "肖": 0.4, "田": 0.39, "董": 0.38, "袁": 0.37, "潘": 0.36, "蒋": 0.35,
}  # fmt: skip
# Common given-name characters, commonest first.
BOY_CHARS = (
    "伟勇军杰涛明浩磊强鹏宇俊豪辉超鑫龙飞波斌家子文博轩晨阳凯建志华平东海林峰刚健成亮"
    "翔宏伦泽锐睿航毅恒瑞嘉彬帅旭晖程锋坤洋铭宁新春光亚国庆永安广德福顺利兵振凡锦奕鸣诚瀚"
)
GIRL_CHARS = (
    "丽娟静敏燕婷雪琳欣怡佳雨梦思晶慧玲萍红芳霞月琪涵悦颖倩洁瑶蓉丹玉兰秀娜艳子"
    "媛菲彤妍诗萱薇璐露茜莉丝岚桂凤梅英芬娇妮楠晓璇梓晴可馨雯冰萌心语若宁乐嘉美文淑舒"
)
# More name characters, so most given-name characters have a homophone to be mistaken for.
HOMOPHONE_POOL = (
    "涌永咏泳卫威维玮薇君均峻骏捷婕节滔韬鸣铭名昊皓灏垒蕾朋彭语羽郡毫晖惠会潮朝欣新心馨星兴"
    "隆菲非斐柏伯彬宾滨嘉加紫梓姿雯闻萱宣辰臣扬洋恺楷剑坚智致芝花桦苹凭冬栋琳霖麟锋丰风钢"
    "纲诚程城靓莉立力俐涓隽婧菁精庭亭薛宜仪逸萌丝斯宏鸿虹方夏侠越岳琦奇晗寒韩莹盈英茜遥尧"
    "耀容荣融蓝岚绣纳雁彦"
)
_NICKNAME_LIST = "小宝 宝宝 毛毛 乐乐 豆豆 贝贝 丫丫 妞妞 球球 壮壮 胖胖 甜甜 小虎 东东"
COMMON_NICKNAMES = _NICKNAME_LIST.split()
PROVINCES = {
    "四川": (12, "四川话", "凉山 南充 达州 绵阳"), "贵州": (10, "贵州话", "毕节 遵义 贵阳"),
    "云南": (9, "云南话", "昭通 大理 昆明"), "河南": (9, "河南话", "周口 商丘 南阳"),
    "广西": (8, "粤语", "玉林 南宁 柳州"), "湖南": (7, "湘语", "邵阳 衡阳 长沙"),
    "安徽": (6, "安徽话", "阜阳 六安 合肥"), "湖北": (5, "湖北话", "襄阳 武汉"),
    "江西": (5, "江西话", "赣州 南昌"), "重庆": (5, "重庆话", "万州 涪陵"),
    "山东": (4, "山东话", "临沂 济南"), "广东": (4, "客家话", "梅州 湛江"),
    "福建": (3, "闽南话", "泉州 莆田"), "河北": (3, "河北话", "邯郸 保定"),
    "陕西": (3, "陕西话", "汉中 西安"), "甘肃": (2, "甘肃话", "天水 兰州"),
}  # fmt: skip
NEIGHBOURS = {"四川": "重庆", "重庆": "四川", "广西": "广东", "贵州": "云南", "湖南": "湖北"}
MARK_KINDS = {"痣": "mole", "胎记": "birthmark", "疤": "scar", "烫伤": "burn", "酒窝": "dimple"}
RARE_MARKS = {"六指": "extra finger", "兔唇": "cleft lip", "双旋": "double crown"}
PARTS = {"脸": "cheek", "额头": "forehead", "耳朵": "ear", "脖子": "neck", "手背": "hand",
         "胳膊": "arm", "腿": "leg", "后背": "back", "眼角": "eye", "肩膀": "shoulder"}  # fmt: skip
SIDES = {"左": "left", "右": "right"}
COLOURS = {"red": "红色的", "brown": "褐色的", "black": "黑色的", "blue": "青色的"}
SIZES = {"米粒大的": "small", "硬币大的": "coin-sized", "巴掌大的": "large"}
SCENARIOS = {  # share of true-match tips
    "homophone": 0.2, "pinyin": 0.05, "original_name": 0.15, "surname_change": 0.2,
    "nickname": 0.15, "used_name_only": 0.2, "no_names": 0.05,
}  # fmt: skip


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    """One key drawn in proportion to its weight."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def zipf_pick(rng: random.Random, pool: str) -> str:
    """Earlier characters are much commoner, so many children share names."""
    return rng.choices(pool, weights=[1 / (i + 1) ** 0.7 for i in range(len(pool))])[0]


def homophones() -> dict[str, list[str]]:
    """Name characters grouped by toneless pinyin."""
    groups: dict[str, list[str]] = {}
    for char in dict.fromkeys(BOY_CHARS + GIRL_CHARS + HOMOPHONE_POOL):
        groups.setdefault(lazy_pinyin(char, style=Style.NORMAL)[0], []).append(char)
    return {c: [o for o in g if o != c] for g in groups.values() for c in g if len(g) > 1}


@dataclass(frozen=True)
class Mark:
    """One distinguishing mark, rendered later in either language."""

    kind: str
    part: str
    side: str
    colour: str
    size: str

    def render(self, rng: random.Random, *, chinese: bool, vague: bool = False) -> str:
        """Text as a family or tipster writes it; vague tipsters drop details."""
        side, colour, size = (
            "" if vague and rng.random() < 0.3 else attr
            for attr in (self.side, self.colour, self.size)
        )
        if chinese:
            return f"{side}{self.part}有{size}{COLOURS.get(colour, '')}{self.kind}"
        words = [SIZES.get(size, ""), colour, MARK_KINDS.get(self.kind) or RARE_MARKS[self.kind]]
        where = " ".join(filter(None, [SIDES.get(side, ""), PARTS[self.part]]))
        return f"{' '.join(filter(None, words))} on the {where}"


def make_mark(rng: random.Random) -> Mark:
    """One random mark; birthmarks and moles often come with a colour and a size."""
    kind = rng.choice(list(RARE_MARKS)) if rng.random() < 0.05 else rng.choice(list(MARK_KINDS))
    coloured = kind in ("胎记", "痣")
    return Mark(
        kind=kind,
        part=rng.choice(list(PARTS)),
        side=rng.choice(list(SIDES)) if rng.random() < 0.6 else "",
        colour=rng.choice(list(COLOURS)) if coloured and rng.random() < 0.6 else "",
        size=rng.choice(list(SIZES)) if coloured and rng.random() < 0.4 else "",
    )


def place_name(province: str, city: str) -> str:
    """How a family writes where the child went missing, e.g. 四川省凉山州."""
    full = {"重庆": "重庆市", "广西": "广西壮族自治区"}.get(province, f"{province}省")
    return f"{full}{city}{'市' if city else ''}"


@dataclass
class Child:
    """A synthetic child with every fact the generators need."""

    entry: RegistryProfile
    surname: str
    given: str
    marks: list[Mark]
    home: str


def make_child(rng: random.Random, number: int) -> Child:
    """One registry entry with a realistic spread of fields."""
    sex = "M" if rng.random() < 0.6 else "F"
    surname = weighted(rng, SURNAMES)
    pool = BOY_CHARS if sex == "M" else GIRL_CHARS
    given = "".join(zipf_pick(rng, pool) for _ in range(1 if rng.random() < 0.45 else 2))
    born = date(2005, 1, 1) + timedelta(days=rng.randrange(20 * 365))
    latest = min((date(2025, 12, 31) - born).days, 10 * 365)
    missing = born + timedelta(days=rng.randrange(min(180, latest // 2), latest))
    home = weighted(rng, {p: w for p, (w, _, _) in PROVINCES.items()})
    _, dialect, cities = PROVINCES[home]
    where = home if rng.random() < 0.8 else rng.choice(["广东", "浙江", "福建", "江苏"])
    nicknames = []
    if rng.random() < 0.6:
        tail = given[-1]
        derived = [tail * 2, f"小{tail}", f"阿{tail}"]
        nicknames.append(rng.choice(COMMON_NICKNAMES if rng.random() < 0.35 else derived))
    marks = [make_mark(rng) for _ in range(rng.choice([0, 1, 1, 2]))]
    entry = RegistryProfile(
        case_id=f"C{number:06d}",
        name=surname + given,
        other_names=nicknames,
        sex=sex,  # type: ignore[arg-type]
        birth_date=born,
        birth_year_only=rng.random() < 0.2,
        missing_date=missing,
        missing_place=place_name(where, rng.choice(cities.split()) if where == home else ""),
        home_province=home if rng.random() < 0.85 else None,
        dialect=dialect if rng.random() < 0.7 else None,
        marks="，".join(m.render(rng, chinese=rng.random() < 0.75) for m in marks),
    )
    return Child(entry, surname, given, marks, home)


class TipMaker:
    """Turns a child into a noisy sighting of the kind tipsters actually send."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sounds_like = homophones()

    def homophone(self, text: str) -> str:
        """Swap one character of the given name for one that sounds the same."""
        spots = [i for i, c in enumerate(text) if i > 0 and c in self.sounds_like]
        if not spots:
            return " ".join(lazy_pinyin(text, style=Style.NORMAL)).title()
        i = self.rng.choice(spots)
        return text[:i] + self.rng.choice(self.sounds_like[text[i]]) + text[i + 1 :]

    def other_name(self, sex: str | None) -> str:
        """A name the buyers might have chosen."""
        pool = BOY_CHARS if sex == "M" else GIRL_CHARS
        return weighted(self.rng, SURNAMES) + zipf_pick(self.rng, pool)

    def tip(self, child: Child, scenario: str, tip_id: str) -> TipProfile:
        """A sighting of this child, named according to the scenario."""
        rng, entry = self.rng, child.entry
        assert entry.birth_date and entry.missing_date
        seen = entry.missing_date + timedelta(days=rng.randrange(60, 1500))
        seen = min(seen, TODAY)
        true_age = (seen - entry.birth_date).days / 365.25
        age = true_age + rng.gauss(0, 0.3 + 0.1 * true_age)
        if rng.random() < 0.2:  # ages off by a year or two, more for older children
            age += rng.choice([-1, 1] if true_age < 6 else [-2, -1, 1, 2])
        width = rng.choice([0, 1, 2])
        needs_context = scenario in ("used_name_only", "no_names")
        provinces = [child.home] if needs_context or rng.random() < 0.8 else []
        if provinces and child.home in NEIGHBOURS and rng.random() < 0.5:
            provinces.append(NEIGHBOURS[child.home])
        marks = ""
        if child.marks and (needs_context or rng.random() < 0.7):
            marks = rng.choice(child.marks).render(rng, chinese=rng.random() < 0.5, vague=True)
        names, given_names = self.names(child, scenario)
        return TipProfile(
            tip_id=tip_id,
            sex=entry.sex if rng.random() < 0.8 else None,
            age_min=None if rng.random() < 0.1 else max(0, round(age - width / 2)),
            age_max=max(0, round(age + width / 2)),
            seen_on=seen,
            names=names,
            given_names=given_names,
            candidate_provinces=provinces,
            province=rng.choice(["广东", "浙江", "福建", "江苏", child.home]),
            marks_text=marks,
        )

    def names(self, child: Child, scenario: str) -> tuple[list[str], list[str]]:
        """(names adults use, names the child gave) for a scenario."""
        entry, rng = child.entry, self.rng
        if scenario == "homophone":
            return [self.homophone(entry.name)], []
        if scenario == "pinyin":
            return [" ".join(lazy_pinyin(entry.name, style=Style.NORMAL)).title()], []
        if scenario == "original_name":
            said = entry.name if rng.random() < 0.5 else self.homophone(entry.name)
            return [self.other_name(entry.sex)], [said]
        if scenario == "surname_change":
            other = rng.choice([s for s in SURNAMES if s != child.surname])
            return [other + child.given], []
        if scenario == "nickname":
            nicknames = entry.other_names or [child.given[-1] * 2]
            return [rng.choice(nicknames)], []
        if scenario == "used_name_only":
            return [self.other_name(entry.sex)], []
        return [], []


def make_tips(
    children: Sequence[Child], count: int, rng: random.Random
) -> list[tuple[TipProfile, str | None, str]]:
    """(tip, true case id or None, scenario) with ~10% distractors of unregistered children."""
    maker = TipMaker(rng)
    with_context = [c for c in children if c.marks and c.entry.home_province]
    tips = []
    for n in range(count):
        if rng.random() < 0.1:
            stranger = make_child(rng, 900_000 + n)
            scenario = weighted(rng, SCENARIOS)
            tips.append((maker.tip(stranger, scenario, f"T{n}"), None, "distractor"))
            continue
        scenario = weighted(rng, SCENARIOS)
        pool = with_context if scenario in ("used_name_only", "no_names") else children
        child = rng.choice(pool)
        tips.append((maker.tip(child, scenario, f"T{n}"), child.entry.case_id, scenario))
    return tips


def naive_rank(entries: Sequence[RegistryProfile], tip: TipProfile) -> list[tuple[str, float]]:
    """Baseline: a fixed weighted sum of character similarities over the whole registry."""
    said = [*tip.given_names, *tip.names]
    seen_age = tip.age_max if tip.age_max is not None else tip.age_min
    scored = []
    for e in entries:
        name = max((ratio(a, b) for a in said for b in [e.name, *e.other_names]), default=0.0)
        sex = 1.0 if tip.sex and tip.sex == e.sex else 0.0
        age = 0.0
        if seen_age is not None and e.birth_date and tip.seen_on:
            age = max(0.0, 1 - abs((tip.seen_on - e.birth_date).days / 365.25 - seen_age) / 5)
        place = 1.0 if e.home_province in tip.candidate_provinces else 0.0
        marks = ratio(tip.marks_text, e.marks) / 100 if tip.marks_text and e.marks else 0.0
        total = 0.4 * name / 100 + 0.15 * sex + 0.2 * age + 0.15 * place + 0.1 * marks
        scored.append((total, e.case_id))
    return [(case_id, total) for total, case_id in sorted(scored, reverse=True)[:5]]


@dataclass
class Result:
    """What one matcher did with one registry size."""

    label: str
    size: int
    build_s: float
    ranks: dict[str, list[int | None]] = field(default_factory=dict)  # true match's rank
    times_ms: list[float] = field(default_factory=list)  # wall clock
    cpu_ms: list[float] = field(default_factory=list)  # this process only: fair on a busy machine
    scored: list[int] = field(default_factory=list)
    top_true: list[float] = field(default_factory=list)  # best score when it was right
    top_distractor: list[float] = field(default_factory=list)  # best score, child not registered

    def recall(self, k: int, scenario: str | None = None) -> float:
        """Share of true-match tips whose match is in the top k."""
        ranks = self.ranks.get(scenario, []) if scenario else sum(self.ranks.values(), [])
        return sum(r is not None and r < k for r in ranks) / max(len(ranks), 1)

    def row(self) -> str:
        """One line of the main table."""
        p95 = statistics.quantiles(self.times_ms, n=20)[18]
        medians = "      -" if self.label.startswith("naive") else (
            f"{statistics.median(self.top_true):>6.2f}/{statistics.median(self.top_distractor):.2f}"
        )  # fmt: skip
        return (
            f"{self.label:<11}{self.size:>8}{self.recall(1):>10.3f}{self.recall(5):>10.3f}"
            f"{statistics.fmean(self.times_ms):>9.1f}{p95:>8.1f}{statistics.fmean(self.cpu_ms):>8.1f}"
            f"{statistics.fmean(self.scored):>8.0f}{self.build_s:>9.1f}  {medians}"
        )


def evaluate(
    result: Result, tips: list[tuple[TipProfile, str | None, str]],
    rank: Callable[[TipProfile], list[tuple[str, float]]], scored: Callable[[], int],
) -> Result:  # fmt: skip
    """Run every tip once, timing it and noting where the true match ranked."""
    for tip, truth, scenario in tips:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = rank(tip)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.cpu_ms.append((time.process_time() - started_cpu) * 1000)
        result.scored.append(scored())
        ids = [case_id for case_id, _ in found]
        top = found[0][1] if found else 0.0
        if truth is None:
            result.top_distractor.append(top)
            continue
        result.ranks.setdefault(scenario, []).append(ids.index(truth) if truth in ids else None)
        if ids[:1] == [truth]:
            result.top_true.append(top)
    return result


def run_indexed(children: list[Child], size: int, tip_count: int) -> Result:
    """The real matcher on the first `size` children."""
    started = time.perf_counter()
    matcher = Matcher((c.entry for c in children[:size]), today=TODAY)
    result = Result("indexed", size, time.perf_counter() - started)
    tips = make_tips(children[:size], tip_count, random.Random(SEED + size))

    def rank(tip: TipProfile) -> list[tuple[str, float]]:
        return [(m.case_id, m.score) for m in matcher.rank(tip, limit=5)]

    return evaluate(result, tips, rank, lambda: matcher.last_scored)


def run_naive(children: list[Child], size: int, tip_count: int) -> Result:
    """The naive full scan, on fewer tips because it is slow."""
    entries = [c.entry for c in children[:size]]
    tips = make_tips(children[:size], tip_count, random.Random(SEED + size))
    result = Result("naive scan", size, 0.0)
    return evaluate(result, tips, lambda tip: naive_rank(entries, tip), lambda: size)


def main(argv: Sequence[str] | None = None) -> None:
    """Print recall and latency for each registry size, then the naive baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,20000,100000")
    parser.add_argument("--tips", type=int, default=600)
    parser.add_argument("--baseline-size", type=int, default=20000)
    parser.add_argument("--baseline-tips", type=int, default=100)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(SEED)
    children = [make_child(rng, i) for i in range(max([*sizes, args.baseline_size]))]
    results = [run_indexed(children, size, args.tips) for size in sizes]
    if args.baseline_size:
        results.append(run_naive(children, args.baseline_size, args.baseline_tips))
    print(f"{'matcher':<11}{'entries':>8}{'recall@1':>10}{'recall@5':>10}{'mean ms':>9}"
          f"{'p95 ms':>8}{'cpu ms':>8}{'scored':>8}{'build s':>9}  top score right/no match")  # fmt: skip
    print("\n".join(r.row() for r in results))
    print("scored: entries fully scored per tip. top score: median best score when it was the")
    print("true child / when the child is not registered (10% of tips, excluded from recall).")
    print(f"\nrecall@1/recall@5 by tip kind\n{'kind':<16}", end="")
    print("".join(f"{r.label[:7]:>8}{r.size:>7}" for r in results))
    for scenario in SCENARIOS:
        cells = (f"{r.recall(1, scenario):>9.2f}/{r.recall(5, scenario):<5.2f}" for r in results)
        print(f"{scenario:<16}{''.join(cells)}")


if __name__ == "__main__":
    main()
