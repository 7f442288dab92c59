"""A generating model of registry entries and tips, with the exact likelihood of a tip.

Every perturbation a tip carries is drawn with an explicit probability, so for any tip and
any entry `likelihood(tip, child)` is P(this tip | it is that child) under the model, and
ranking entries by it is the best any matcher can do (Bayes-optimal): that is the ceiling
the benchmark prints next to the matcher. The mix (documented here, not tuned to the matcher):

Registry: sex M 60%; surname by real shares (plus rare ones such as 阳, 欧阳); given name of
1 (45%) or 2 characters drawn Zipf-like, so names collide; born 2008-2022, missing 0.5-10
years later (before mid-2025); home province by weight; `home_province` recorded 85%, the
dialect 70%, missing in the home province 80% (else where the parents worked); a nickname
60% (a third of them the common 小宝/毛毛/豆豆/小虎 kind); 0-2 marks of a kind on a part.

Tips are drawn by a mix of probabilities (`bench/match_mixes.py`: `hard`, the default, and
`reference`); 20% of them are of a child who is not registered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from pypinyin import Style, lazy_pinyin

from bench.match_mixes import HARD, Mix
from bench.match_vocab import (
    BOY_CHARS,
    COMMON_NICKNAMES,
    GIRL_CHARS,
    HOMOPHONE_POOL,
    KIND_SHARES,
    PARTS,
    PROVINCES,
    SEEN_IN,
    SURNAMES,
    WORK_PROVINCES,
    MarkConcept,
    render_mark,
)
from triage.matching import RegistryProfile, TipProfile
from triage.matching.regions import dialect_provinces

TODAY = date(2026, 6, 30)


WIDTHS = (0, 1, 2)


def derived_nicknames(given: str) -> tuple[str, str, str]:
    """What anyone may call a child named ...X: XX, 小X, 阿X."""
    tail = given[-1]
    return (tail * 2, f"小{tail}", f"阿{tail}")


def _zipf(pool: str) -> dict[str, float]:
    weights = [1 / (i + 1) ** 0.7 for i in range(len(pool))]
    total = sum(weights)
    return {c: w / total for c, w in zip(pool, weights, strict=True)}


BOY_P, GIRL_P = _zipf(BOY_CHARS), _zipf(GIRL_CHARS)
SURNAME_P = {s: w / sum(SURNAMES.values()) for s, w in SURNAMES.items()}
PROVINCE_P = {p: w / sum(v[0] for v in PROVINCES.values()) for p, (w, *_) in PROVINCES.items()}
SEEN_P = {p: w / sum(SEEN_IN.values()) for p, w in SEEN_IN.items()}


@cache
def homophones() -> dict[str, tuple[str, ...]]:
    """Name characters that sound alike, each with the others of its sound."""
    groups: dict[str, list[str]] = {}
    for char in dict.fromkeys(BOY_CHARS + GIRL_CHARS + HOMOPHONE_POOL):
        groups.setdefault(lazy_pinyin(char, style=Style.NORMAL)[0], []).append(char)
    return {c: tuple(o for o in g if o != c) for g in groups.values() for c in g if len(g) > 1}


@cache
def pinyin_of(text: str) -> str:
    """A name as a tipster types it in latin letters: 'Li Yong'."""
    return " ".join(lazy_pinyin(text, style=Style.NORMAL)).title()


@dataclass(frozen=True)
class Child:
    """A child with the facts the model draws; `entry` is what the registry shows."""

    entry: RegistryProfile
    sex: str
    surname: str
    given: str
    home: str
    nicknames: tuple[str, ...]
    marks: tuple[MarkConcept, ...]


@dataclass(frozen=True)
class Seen:
    """What a tip reports, in the model's own terms (`as_tip` words it)."""

    sex: str | None
    age: tuple[int, int]
    seen_on: date
    dialect_province: str | None
    mark: MarkConcept | None
    names: tuple[str, ...]
    given_names: tuple[str, ...]
    scenario: str
    mix: Mix = HARD


def make_child(rng: random.Random, number: int) -> Child:
    """One registry entry drawn from the model."""
    sex = "M" if rng.random() < 0.6 else "F"
    surname = rng.choices(list(SURNAME_P), weights=list(SURNAME_P.values()))[0]
    pool = BOY_P if sex == "M" else GIRL_P
    length = 1 if rng.random() < 0.45 else 2
    given = "".join(rng.choices(list(pool), weights=list(pool.values()), k=length))
    born = date(2008, 1, 1) + timedelta(days=rng.randrange(15 * 365))
    latest = min((date(2025, 6, 1) - born).days, 10 * 365)
    missing = born + timedelta(days=rng.randrange(min(180, latest // 2), max(latest, 181)))
    home = rng.choices(list(PROVINCE_P), weights=list(PROVINCE_P.values()))[0]
    _, dialect, cities = PROVINCES[home]
    lost_at_home = rng.random() < 0.8
    where = home if lost_at_home else rng.choice(WORK_PROVINCES)
    nicknames: tuple[str, ...] = ()
    if rng.random() < 0.6:
        tail = given[-1]
        common = rng.random() < 0.35
        nicknames = (
            rng.choice(COMMON_NICKNAMES if common else [tail * 2, f"小{tail}", f"阿{tail}"]),
        )
    marks = tuple(
        MarkConcept(
            kind := rng.choices(list(KIND_SHARES), weights=list(KIND_SHARES.values()))[0],
            rng.choice(parts_for(kind)),
            rng.choice(["左", "右"]) if rng.random() < 0.6 else "",
        )
        for _ in range(rng.choice([0, 1, 1, 2]))
    )
    city = rng.choice(cities.split()) if lost_at_home else ""
    entry = RegistryProfile(
        case_id=f"C{number:06d}",
        name=surname + given,
        other_names=list(nicknames),
        sex=sex,  # type: ignore[arg-type]
        birth_date=born,
        birth_year_only=rng.random() < 0.2,
        missing_date=missing,
        missing_place=f"{where}省{city}" if city else f"{where}省",
        home_province=home if rng.random() < 0.85 else None,
        dialect=dialect if rng.random() < 0.7 else None,
        marks="，".join(render_mark(m, rng, chinese=rng.random() < 0.8) for m in marks),
    )
    return Child(entry, sex, surname, given, home, nicknames, marks)


def parts_for(kind: str) -> list[str]:
    """Where a kind of mark can be: extra digits on hands or feet, a cleft on the lip."""
    special = {"extra_digit": ["hand", "foot"], "cleft_lip": ["mouth"], "double_crown": ["head"]}
    return special.get(kind, [p for p in PARTS if p not in ("mouth", "head", "foot")])


def age_on(born: date, on: date) -> float:
    """Age in years on a day."""
    return (on - born).days / 365.25


def homophone(name: str, given_from: int, rng: random.Random) -> str:
    """One given-name character swapped for one that sounds the same (or pinyin if none)."""
    sounds = homophones()
    spots = [i for i in range(given_from, len(name)) if name[i] in sounds]
    if not spots:
        return pinyin_of(name)
    i = rng.choice(spots)
    return name[:i] + rng.choice(sounds[name[i]]) + name[i + 1 :]


def new_name(sex: str, rng: random.Random) -> str:
    """A name the people holding the child might have given."""
    pool = BOY_P if sex == "M" else GIRL_P
    surname = rng.choices(list(SURNAME_P), weights=list(SURNAME_P.values()))[0]
    return surname + rng.choices(list(pool), weights=list(pool.values()))[0]


def draw_names(
    child: Child, rng: random.Random, mix: Mix = HARD
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(scenario, names the adults use, names the child gave)."""
    scenario = rng.choices(list(mix.names), weights=list(mix.names.values()))[0]
    name, cut = child.entry.name, len(child.surname)
    said = {
        "exact": lambda: name,
        "homophone": lambda: homophone(name, cut, rng),
        "pinyin": lambda: pinyin_of(name),
        "given_only": lambda: child.given,
        "nickname": lambda: (
            rng.choice(child.nicknames)
            if child.nicknames and rng.random() < mix.p_registered_nickname
            else rng.choice(derived_nicknames(child.given))
        ),
        "surname_changed": lambda: rng.choices(
            [s for s in SURNAME_P if s != child.surname],
            weights=[w for s, w in SURNAME_P.items() if s != child.surname],
        )[0] + child.given,
        "new_name_only": lambda: new_name(child.sex, rng),
    }  # fmt: skip
    if scenario == "no_names":
        return scenario, (), ()
    if scenario == "child_and_new":
        own = name if rng.random() < 0.5 else homophone(name, cut, rng)
        return scenario, (new_name(child.sex, rng),), (own,)
    return scenario, (said[scenario](),), ()


def draw_seen(child: Child, rng: random.Random, mix: Mix = HARD) -> Seen:
    """A sighting of this child, every perturbation drawn with the mix's probabilities."""
    seen_on = TODAY - timedelta(days=rng.randrange(365))
    sex = None
    if rng.random() < mix.p_sex:
        sex = child.sex if rng.random() < mix.p_sex_right else ("F" if child.sex == "M" else "M")
    assert child.entry.birth_date is not None
    true_age = age_on(child.entry.birth_date, seen_on)
    wrong = rng.random() < mix.p_wrong_age
    spread = mix.age_drift * (0.3 + 0.1 * true_age)
    apparent = rng.uniform(1, 17) if wrong else rng.gauss(true_age, spread)
    width = rng.choice(WIDTHS)
    age = (round(apparent - width / 2), round(apparent - width / 2) + width)
    dialect = None
    if rng.random() < mix.p_dialect:
        other = rng.choices(list(PROVINCE_P), weights=list(PROVINCE_P.values()))[0]
        dialect = child.home if rng.random() < mix.p_home_dialect else other
    mark = None
    if rng.random() < mix.p_spurious:
        mark = draw_mark(rng, mix)
    elif child.marks and rng.random() < mix.p_mark:
        own = rng.choice(child.marks)
        mark = MarkConcept(own.kind, own.part, own.side if rng.random() < mix.p_side_kept else "")
    scenario, names, given = draw_names(child, rng, mix)
    return Seen(sex, age, seen_on, dialect, mark, names, given, scenario, mix)


def draw_mark(rng: random.Random, mix: Mix = HARD) -> MarkConcept:
    """A mark of anyone (a tipster's mistake, or another child's), side kept as tipsters do."""
    kind = rng.choices(list(KIND_SHARES), weights=list(KIND_SHARES.values()))[0]
    side = rng.choice(["左", "右"]) if rng.random() < 0.6 else ""
    kept = side if rng.random() < mix.p_side_kept else ""
    return MarkConcept(kind, rng.choice(parts_for(kind)), kept)


def as_tip(seen: Seen, tip_id: str, rng: random.Random) -> TipProfile:
    """The sighting as the matcher receives it: words, not the model's terms."""
    label = PROVINCES[seen.dialect_province][1] if seen.dialect_province else None
    return TipProfile(
        tip_id=tip_id,
        sex=seen.sex,  # type: ignore[arg-type]
        age_min=seen.age[0],
        age_max=seen.age[1],
        seen_on=seen.seen_on,
        names=list(seen.names),
        given_names=list(seen.given_names),
        candidate_provinces=list(dialect_provinces(label)) if label else [],
        dialect=label,
        province=rng.choices(list(SEEN_P), weights=list(SEEN_P.values()))[0],
        marks_text=render_mark(seen.mark, rng, chinese=rng.random() < 0.5) if seen.mark else "",
    )
