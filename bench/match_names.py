"""The names a tip carries: P(names heard | this child), and | a child not registered.

A child not registered is one drawn from the model (`bench.match_model.make_child`), so the
likelihood of its names is a sum over every child the model can draw: surnames x given names x
nicknames, each way a name reaches a tipster (`bench.match_mixes.NAME_SCENARIOS`). It is
worked out per heard string and remembered, never by sampling strangers: a rare name that no
sampled stranger carries would make its registered namesakes look certain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

from pypinyin import Style, pinyin

from bench.match_mixes import Mix
from bench.match_model import BOY_P, GIRL_P, SURNAME_P, homophones, pinyin_of
from bench.match_vocab import COMMON_NICKNAMES


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class NameModel:
    """How `make_child` names a child: its tables and shares (a tiny one in the tests)."""

    surnames: dict[str, float]  # surname -> share
    pools: dict[str, dict[str, float]]  # sex -> given-name character -> share
    sounds: dict[str, tuple[str, ...]]  # character -> the others of its sound
    common_nicknames: tuple[str, ...]
    one_char: float = 0.45  # a given name of one character, else two
    p_nickname: float = 0.6  # a nickname registered
    p_common: float = 0.35  # of them, a common one (小宝, 毛毛), else XX/小X/阿X

    def given(self, given: str, sex: str) -> float:
        """P(the given name | sex)."""
        length = {1: self.one_char, 2: 1 - self.one_char}.get(len(given), 0.0)
        return length * math.prod(self.pools[sex].get(c, 0.0) for c in given)


MODEL_NAMES = NameModel(SURNAME_P, {"M": BOY_P, "F": GIRL_P}, homophones(), tuple(COMMON_NICKNAMES))


def split(name: str, m: NameModel) -> list[tuple[str, str]]:
    """Every (surname, given name) reading of a written name."""
    return [(name[:n], name[n:]) for n in (1, 2) if name[:n] in m.surnames and len(name) > n]


def new_name(name: str, sex: str, m: NameModel) -> float:
    """P(a new name the adults gave is this one)."""
    return sum(m.surnames[s] * m.pools[sex].get(g, 0.0) for s, g in split(name, m) if len(g) == 1)


def homophone_fit(said: str, surname: str, given: str, m: NameModel) -> float:
    """P(the name as misheard is `said` | the child is surname + given)."""
    name = surname + given
    spots = [i for i in range(len(surname), len(name)) if name[i] in m.sounds]
    if not spots:
        return float(said == pinyin_of(name))
    if len(said) != len(name):
        return 0.0
    differ = [i for i in range(len(name)) if said[i] != name[i]]
    if (
        len(differ) != 1
        or differ[0] not in spots
        or said[differ[0]] not in m.sounds[name[differ[0]]]
    ):
        return 0.0
    return 1 / len(spots) / len(m.sounds[name[differ[0]]])


def nickname_fit(said: str, given: str, nicknames: tuple[str, ...], mix: Mix) -> float:
    """P(the nickname heard is `said` | the child's given name and registered nicknames)."""
    tail = given[-1]
    derived = (tail * 2, f"小{tail}", f"阿{tail}").count(said) / 3
    if not nicknames:
        return derived
    kept = mix.p_registered_nickname
    return kept * nicknames.count(said) / len(nicknames) + (1 - kept) * derived


def names_likelihood(
    names: tuple[str, ...],
    given_names: tuple[str, ...],
    child: tuple[str, str, str, tuple[str, ...]],  # sex, surname, given, nicknames
    mix: Mix,
    m: NameModel = MODEL_NAMES,
) -> float:
    """P(these names heard | this child)."""
    sex, surname, given, nicknames = child
    share, name = mix.names, surname + given
    if given_names:
        own = 0.5 * (given_names[0] == name) + 0.5 * homophone_fit(
            given_names[0], surname, given, m
        )
        return share["child_and_new"] * own * new_name(names[0], sex, m)
    if not names:
        return share["no_names"]
    said = names[0]
    changed = 0.0
    if (
        said.endswith(given)
        and said[: -len(given)] in m.surnames
        and said[: -len(given)] != surname
    ):
        changed = m.surnames[said[: -len(given)]] / (1 - m.surnames[surname])
    return (
        share["exact"] * (said == name)
        + share["homophone"] * homophone_fit(said, surname, given, m)
        + share["pinyin"] * (said == pinyin_of(name))
        + share["given_only"] * (said == given)
        + share["nickname"] * nickname_fit(said, given, nicknames, mix)
        + share["surname_changed"] * changed
        + share["new_name_only"] * new_name(said, sex, m)
    )


def any_child_names(
    names: tuple[str, ...],
    given_names: tuple[str, ...],
    sex: str,
    mix: Mix,
    m: NameModel = MODEL_NAMES,
) -> float:
    """P(these names heard | a child of this sex drawn from the model): `names_likelihood` summed."""
    share = mix.names
    if given_names:
        own = 0.5 * _written(given_names[0], sex, m) + 0.5 * _misheard(given_names[0], sex, m)
        return share["child_and_new"] * own * new_name(names[0], sex, m)
    if not names:
        return share["no_names"]
    said = names[0]
    return (
        share["exact"] * _written(said, sex, m)
        + share["homophone"] * _misheard(said, sex, m)
        + share["pinyin"] * sum(p for p, _ in _by_pinyin(said, sex, m))
        + share["given_only"] * m.given(said, sex)
        + share["nickname"] * _nicknamed(said, sex, mix, m)
        + share["surname_changed"] * _renamed_family(said, sex, m)
        + share["new_name_only"] * new_name(said, sex, m)
    )


@lru_cache(maxsize=1 << 14)
def _written(said: str, sex: str, m: NameModel) -> float:
    """P(the child's name is written `said`)."""
    return sum(m.surnames[s] * m.given(g, sex) for s, g in split(said, m))


@lru_cache(maxsize=1 << 14)
def _misheard(said: str, sex: str, m: NameModel) -> float:
    """E[homophone_fit(said, child)]: children one sound off, or (no such sound) in pinyin."""
    total = sum(p for p, spotless in _by_pinyin(said, sex, m) if spotless)
    for surname, heard in split(said, m):
        for i, char in enumerate(heard):
            for other in m.sounds.get(char, ()):
                given = heard[:i] + other + heard[i + 1 :]
                spots = sum(c in m.sounds for c in given)
                chance = m.surnames[surname] * m.given(given, sex)
                total += chance / spots / len(m.sounds[other])
    return total


@lru_cache(maxsize=1 << 14)
def _by_pinyin(said: str, sex: str, m: NameModel) -> tuple[tuple[float, bool], ...]:
    """(P(name), no character of its given name has a homophone) of each child named `said` in pinyin."""
    syllables = said.lower().split(" ")
    found = []
    for cut in (1, 2):
        surnames = [s for s in _reading(" ".join(syllables[:cut]), m) if s in m.surnames]
        rest = syllables[cut:]
        if not surnames or len(rest) not in (1, 2):
            continue
        chars = [[c for c in _reading(syllable, m) if c in m.pools[sex]] for syllable in rest]
        for surname, given in product(surnames, map("".join, product(*chars))):
            if pinyin_of(surname + given) == said:
                spotless = not any(c in m.sounds for c in given)
                found.append((m.surnames[surname] * m.given(given, sex), spotless))
    return tuple(found)


def _reading(syllables: str, m: NameModel) -> list[str]:
    """The model's surnames and name characters that can be read so (any of their readings)."""
    return _readings(m).get(syllables, [])


@cache
def _readings(m: NameModel) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    every = {*m.surnames, *m.pools["M"], *m.pools["F"]}
    for text in every:
        for reading in product(*pinyin(text, style=Style.NORMAL, heteronym=True)):
            found.setdefault(" ".join(reading), []).append(text)
    return found


def _nicknamed(said: str, sex: str, mix: Mix, m: NameModel) -> float:
    """E[nickname_fit]: a registered common nickname, or one made from the given name's tail."""
    kept, pn, pc = mix.p_registered_nickname, m.p_nickname, m.p_common
    common = kept * pn * pc * m.common_nicknames.count(said) / len(m.common_nicknames)
    tail = said[-1:]
    derived = m.pools[sex].get(tail, 0.0) * (tail * 2, f"小{tail}", f"阿{tail}").count(said) / 3
    # No nickname registered, a common one not kept, or a derived one: the derived share counts.
    return common + derived * ((1 - pn) + pn * pc * (1 - kept) + pn * (1 - pc))


def _renamed_family(said: str, sex: str, m: NameModel) -> float:
    """E[the given name under another surname]: P(given) x P(this surname | not the child's)."""
    total = 0.0
    for surname, given in split(said, m):
        heard = m.surnames[surname]
        others = sum(share / (1 - share) for s, share in m.surnames.items() if s != surname)
        total += m.given(given, sex) * heard * others
    return total
