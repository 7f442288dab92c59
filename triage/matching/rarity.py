"""How often a key occurs in the registry: shared nicknames prove little, rare names a lot."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class NameKey(StrEnum):
    """The ways two names can agree, each with its own index key space."""

    CHARS = "chars"  # the same characters
    FULL = "full"  # the same toneless pinyin
    GIVEN = "given"  # the same given name in pinyin, surname aside
    NICK = "nick"  # a nickname pointing at the same syllable
    SURNAME = "sur"  # the same surname (how common a surname is, not a link by itself)
    # Counted by sex, never looked up: names are chosen for a boy or a girl (伟, 娜).
    GIVEN_BY_SEX = "gsex"  # a given name, e.g. "gsex:F:na"
    TAIL_BY_SEX = "tsex"  # its last syllable, what a nickname (小娜, 娜娜) keeps
    SEX = "sex"  # how many registered children are boys, girls


# Share of children we expect to carry a key before seeing any registry counts.
_PRIORS = {
    NameKey.CHARS: 1 / 3000, NameKey.FULL: 1 / 2000, NameKey.NICK: 1 / 60,
    NameKey.SURNAME: 1 / 100,
}  # fmt: skip
_GIVEN_PRIOR_BY_LENGTH = {1: 1 / 80, 2: 1 / 800}
_MEMO_LIMIT = 1 << 17
# Pseudo-names of prior weight when judging a name's sex: a name seen twice proves little.
_SEX_PRIOR_WEIGHT = 5.0
# Pseudo-entries of prior weight: a tiny registry must not make every name look rare.
_PRIOR_WEIGHT = 500.0


def name_key(kind: NameKey, value: str) -> str:
    """The index key for one way a name can agree, e.g. "full:li yong"."""
    return f"{kind.value}:{value}"


class Rarity:
    """Chance that an unrelated registry entry carries a name key, smoothed by a prior."""

    def __init__(self, frequency: Callable[[str], int], size: Callable[[], int]) -> None:
        self._frequency = frequency
        self._size = size
        # Shares already worked out, and anything derived from them (`remembered`); the
        # index forgets them whenever an entry is filed or dropped.
        self._memo: dict[object, float] = {}

    def forget(self) -> None:
        """Drop every remembered share: the registry changed."""
        self._memo.clear()

    def remembered(self, key: object, work: Callable[[], float]) -> float:
        """A figure derived from the registry's counts, worked out once until they change."""
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:  # a long-running worker meets many names
                self._memo.clear()
            found = self._memo[key] = work()
        return found

    @classmethod
    def from_priors(cls) -> Rarity:
        """Rarity with no registry counts, for scoring pairs in isolation."""
        return cls(lambda _key: 0, lambda: 0)

    def share(self, key: str, prior: float) -> float:
        """Smoothed share of registry entries filed under any key, e.g. a province "p:四川"."""
        return self.remembered(
            (key, prior),
            lambda: (self._frequency(key) + _PRIOR_WEIGHT * prior) / (self._size() + _PRIOR_WEIGHT),
        )

    def sex_ratio(self, kind: NameKey, value: str, sex: str) -> float:
        """P(a child of this sex | named so) / P(this sex): how much likelier, for this child.

        A new name the people holding the child gave is a boy's or a girl's name: 娜 heard
        of a boy is far less likely than of a girl. Smoothed towards 1 for names seen seldom.
        """
        return self.remembered(
            ("sex ratio", kind, value, sex), lambda: self._sex_ratio(kind, value, sex)
        )

    def _sex_ratio(self, kind: NameKey, value: str, sex: str) -> float:
        counts = {s: self._frequency(name_key(NameKey.SEX, s)) for s in ("M", "F")}
        named = {s: self._frequency(name_key(kind, f"{s}:{value}")) for s in ("M", "F")}
        if not counts[sex] or not sum(named.values()):
            return 1.0
        share = counts[sex] / sum(counts.values())
        given_name = (named[sex] + _SEX_PRIOR_WEIGHT * share) / (
            sum(named.values()) + _SEX_PRIOR_WEIGHT
        )
        return given_name / share

    def chance(self, kind: NameKey, value: str) -> float:
        """Smoothed share of registry entries carrying this key."""
        if kind is NameKey.GIVEN:
            prior = _GIVEN_PRIOR_BY_LENGTH.get(value.count(" ") + 1, 1 / 3000)
        else:
            prior = _PRIORS[kind]
        return self.share(name_key(kind, value), prior)
