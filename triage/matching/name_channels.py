"""How a heard name comes from a child: the ways a name reaches a tipster, and their odds.

A name heard is one of several things: the registered name (in its characters, or only its
sound: a homophone, pinyin), the given name alone, the given name under another surname, a
nickname, or a new name the people holding the child gave (children are renamed). So the
evidence of a name is a mixture, not its best link alone:

    P(heard | this child)    = share[way it links] x fit + share[NEW] x q
    P(heard | another child) = sum over ways of share[way] x how many entries link so + share[NEW] x q

where q is how common the heard name is (a new name is drawn like any name). A namesake of a
renamed child's new name is then only as likely as the new name is rare; a shared 毛毛 tells
little; and a name unlike the entry's costs only what renaming makes likely.
The shares are priors set by hand; on the benchmark (`python -m bench.matching`) halving
or doubling any one of them moves recall by a tip or two in four hundred. The calibration
curve (`calibration`), refitted from verdicts, absorbs what they get wrong on average.
"""

from __future__ import annotations

import math
from enum import StrEnum

from triage.matching.name_forms import NameForm
from triage.matching.rarity import NameKey, Rarity


class Channel(StrEnum):
    """The ways a heard name relates to the child's registered names."""

    EXACT = "exact"  # the registered name or its sound (a homophone, pinyin, a slip)
    GIVEN = "given"  # the given name alone
    OTHER_SURNAME = "other_surname"  # the given name under another family's surname
    NICKNAME = "nickname"  # the registered nickname, or XX / 小X / 阿X from the given name
    NEW = "new"  # a name that has nothing to do with the child's


# Given that adults' name for the child was heard: how it came to be. Renaming is common.
ADULTS_SHARES = {
    Channel.EXACT: 0.15, Channel.GIVEN: 0.1, Channel.OTHER_SURNAME: 0.2,
    Channel.NICKNAME: 0.15, Channel.NEW: 0.4,
}  # fmt: skip
# The child's own name, as the child says it: mostly the real one, seldom something else.
CHILD_SHARES = {
    Channel.EXACT: 0.6, Channel.GIVEN: 0.15, Channel.OTHER_SURNAME: 0.05,
    Channel.NICKNAME: 0.19, Channel.NEW: 0.01,
}  # fmt: skip
# How likely one nickname made from the given name (XX, 小X, 阿X) is: one of three.
DERIVED_FIT = 1 / 3
# How likely the characters written are when only the sound was heard (a homophone).
SOUND_FIT = 0.4


def commonness(said: NameForm, rarity: Rarity) -> float:
    """How often a child carries this name (its sound): the chance a new name is this one."""
    return rarity.chance(NameKey.FULL, said.full_key)


def surname_fit(said: NameForm, rarity: Rarity) -> float:
    """How likely this surname is as the new family's: as common as it is among children."""
    return rarity.chance(NameKey.SURNAME, " ".join(said.surname))


def background(said: NameForm, rarity: Rarity, shares: dict[Channel, float]) -> float:
    """P(this name heard | a child picked at random from the registry)."""
    return rarity.remembered(
        ("heard", said.text, id(shares)), lambda: _background(said, rarity, shares)
    )


def _background(
    said: NameForm, rarity: Rarity, shares: dict[Channel, float], *, outside: bool = False
) -> float:
    given_key = said.given_key if said.surname else said.full_key
    full = composed(said, rarity) if outside else rarity.chance(NameKey.FULL, said.full_key)
    given = rarity.chance(NameKey.GIVEN, given_key)
    tail = said.nickname or said.given[-1]
    linked = {
        Channel.EXACT: full,
        Channel.GIVEN: given if not said.surname else 0.0,
        Channel.OTHER_SURNAME: given * surname_fit(said, rarity) if said.surname else 0.0,
        Channel.NICKNAME: rarity.chance(NameKey.NICK, tail) * DERIVED_FIT if said.nickname else 0.0,
        Channel.NEW: full,
    }
    return sum(shares[channel] * chance for channel, chance in linked.items())


def outside_background(said: NameForm, rarity: Rarity, shares: dict[Channel, float]) -> float:
    """P(this name heard | a child who is not in the registry).

    The same ways as `background`, but a whole name is as common as its surname times its
    given name: the registry counts a name it holds once at 1 in its size, however rare the
    name is among children, so a child not registered would seem to carry it as often.
    """
    return rarity.remembered(
        ("outside", said.text, id(shares)),
        lambda: _background(said, rarity, shares, outside=True),
    )


def composed(said: NameForm, rarity: Rarity) -> float:
    """How often a child carries this name, from its parts: surname share x given name share."""
    if not said.surname:
        return rarity.chance(NameKey.FULL, said.full_key)
    return surname_fit(said, rarity) * rarity.chance(NameKey.GIVEN, said.given_key)


def sex_fit(said: NameForm, rarity: Rarity, sex: str | None) -> float:
    """How much likelier a new name is this one for a child of this sex than for any child.

    By its characters when written in them (平 is a boy's, 萍 a girl's), else by its sound.
    """
    if sex is None:
        return 1.0
    if said.nickname:  # 小娜, 娜娜: as much a girl's as 娜 is
        tail = said.chars[-1] if said.chars else said.nickname
        return rarity.sex_ratio(NameKey.TAIL_BY_SEX, tail, sex)
    given = said.given_chars or (said.given_key if said.surname else said.full_key)
    return rarity.sex_ratio(NameKey.GIVEN_BY_SEX, given, sex)


def channel_llr(
    channel: Channel,
    fit: float,
    said: NameForm,
    rarity: Rarity,
    shares: dict[Channel, float],
    sex: str | None = None,
) -> float:
    """log P(heard | this child) / P(heard | another child), the name linked by `channel`.

    `fit` in [0, 1] is how likely the heard form is, given that way: 1 for the same
    characters, less for a homophone written otherwise or a nickname made from the name.
    `sex` is the child's: a new name is chosen for a boy or a girl.
    """
    new = shares[Channel.NEW] * commonness(said, rarity) * sex_fit(said, rarity, sex)
    if channel is Channel.OTHER_SURNAME:  # the new family's surname is drawn like any other
        fit *= surname_fit(said, rarity)
    linked = shares[channel] * fit if channel is not Channel.NEW else 0.0
    return math.log((linked + new) / background(said, rarity, shares))
