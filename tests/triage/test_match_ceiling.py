"""The benchmark's ceiling: P(tip | child not registered) is the sum over every child the model draws."""

from __future__ import annotations

import random
import statistics
from datetime import date
from itertools import product

import pytest

from bench.match_ceiling import likelihood, unregistered_likelihood
from bench.match_mixes import MIXES, Mix
from bench.match_model import Seen, make_child, pinyin_of
from bench.match_names import NameModel, any_child_names, names_likelihood
from bench.match_vocab import MarkConcept

# Three surnames (欧阳 of two characters, 阳 also a given name), three given-name characters a
# sex, homophones for some (伟 has none: such names are misheard as pinyin), a common nickname
# that is also one made from a name (阳阳).
TINY = NameModel(
    surnames={"王": 0.5, "欧阳": 0.3, "阳": 0.2},
    pools={"M": {"勇": 0.5, "阳": 0.3, "伟": 0.2}, "F": {"丽": 0.5, "欣": 0.3, "静": 0.2}},
    sounds={
        "勇": ("永",), "永": ("勇",), "阳": ("洋",), "洋": ("阳",), "丽": ("莉",),
        "莉": ("丽",), "欣": ("新", "心"), "新": ("欣", "心"), "心": ("欣", "新"),
    },
    common_nicknames=("毛毛", "阳阳"),
)  # fmt: skip


def every_child(sex: str) -> list[tuple[float, tuple[str, str, str, tuple[str, ...]]]]:
    """(probability, child) for every child of this sex the tiny model can draw."""
    pool, found = TINY.pools[sex], []
    for surname, length in product(TINY.surnames, (1, 2)):
        for given in map("".join, product(pool, repeat=length)):
            chance = TINY.surnames[surname] * TINY.given(given, sex)
            tail, common = given[-1], TINY.p_nickname * TINY.p_common
            derived = TINY.p_nickname * (1 - TINY.p_common) / 3
            found.append((chance * (1 - TINY.p_nickname), (sex, surname, given, ())))
            found += [
                (chance * common / len(TINY.common_nicknames), (sex, surname, given, (n,)))
                for n in TINY.common_nicknames
            ]
            found += [
                (chance * derived, (sex, surname, given, (n,)))
                for n in (tail * 2, f"小{tail}", f"阿{tail}")
            ]
    return found


def heard_names() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every name a tipster could hear of a tiny-model child, and a few of nobody's."""
    heard = {"李娜", "Li Na", "阳", "小宝"}
    for sex in ("M", "F"):
        for _, (_, surname, given, nicknames) in every_child(sex):
            name = surname + given
            heard |= {name, pinyin_of(name), given, *nicknames, f"小{given[-1]}"}
            heard |= {s + given for s in TINY.surnames}
            heard |= {
                name[:i] + o + name[i + 1 :]
                for i, c in enumerate(name)
                for o in TINY.sounds.get(c, ())
            }
    singles: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((h,), ()) for h in sorted(heard)]
    return [
        *singles,
        ((), ()),
        (("王勇",), ("欧阳永",)),
        (("阳丽",), ("王欣静",)),
        (("王勇",), ("Yang Wei",)),
    ]


@pytest.mark.parametrize("mix", sorted(MIXES))
def test_a_names_likelihood_over_any_child_is_the_sum_over_every_child(mix: str) -> None:
    every = {sex: every_child(sex) for sex in ("M", "F")}
    assert all(abs(sum(p for p, _ in children) - 1) < 1e-12 for children in every.values())
    for (names, given), sex in product(heard_names(), ("M", "F")):
        brute = sum(
            p * names_likelihood(names, given, child, MIXES[mix], TINY) for p, child in every[sex]
        )
        exact = any_child_names(names, given, sex, MIXES[mix], TINY)
        assert exact == pytest.approx(brute, rel=1e-9, abs=1e-15), (names, given, sex)


def test_the_whole_tip_over_any_child_agrees_with_children_drawn_by_the_model() -> None:
    # The features other than names, against make_child itself (its draws are independent).
    # Sampling is fine here, not for the posterior: these tips fit a good share of children.
    rng = random.Random(5)
    children = [make_child(rng, 700_000 + n) for n in range(20_000)]
    mix: Mix = MIXES["hard"]
    for sex, dialect, mark, age in [
        ("M", "四川", None, (7, 8)),
        (None, None, None, (12, 12)),
        (None, "河南", MarkConcept("birthmark", "back", ""), (9, 11)),
    ]:
        seen = Seen(sex, age, date(2026, 3, 1), dialect, mark, (), (), "no_names", mix)
        drawn = statistics.fmean(likelihood(seen, child) for child in children)
        assert unregistered_likelihood(seen) == pytest.approx(drawn, rel=0.05), seen
