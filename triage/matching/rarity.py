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


# Share of children we expect to carry a key before seeing any registry counts.
_PRIORS = {
    NameKey.CHARS: 1 / 3000, NameKey.FULL: 1 / 2000, NameKey.NICK: 1 / 60,
    NameKey.SURNAME: 1 / 100,
}  # fmt: skip
_GIVEN_PRIOR_BY_LENGTH = {1: 1 / 80, 2: 1 / 800}
_MEMO_LIMIT = 1 << 17
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

    def chance(self, kind: NameKey, value: str) -> float:
        """Smoothed share of registry entries carrying this key."""
        if kind is NameKey.GIVEN:
            prior = _GIVEN_PRIOR_BY_LENGTH.get(value.count(" ") + 1, 1 / 3000)
        else:
            prior = _PRIORS[kind]
        return self.share(name_key(kind, value), prior)
