"""Name evidence: exact, homophone, surname-changed, nickname and fuzzy pinyin agreement."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.name_forms import NameForm, parse_name
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import NameKey, Rarity

# The child's own "original" name is stronger than what the adults around them say.
_CHILD_SAID = 1.0
_ADULTS_SAY = 0.8
_FUZZY_MIN_RATIO = 80.0
# Many more names lie within fuzzy reach than share the exact pinyin.
_FUZZY_CHANCE_FACTOR = 10.0


@dataclass(frozen=True)
class NameLink:
    """How one tip name agrees with one registry name."""

    score: float
    kind: NameKey
    value: str  # the shared key value, looked up for rarity
    reason: str
    chance_factor: float = 1.0


def registry_names(entry: RegistryProfile) -> list[NameForm]:
    """The registered name and every other name, parsed."""
    return _parsed([entry.name, *entry.other_names])


def link_names(said: NameForm, registered: NameForm, label: str = "name") -> NameLink | None:
    """The strongest way a tip name agrees with a registry name, if any."""
    same_chars = bool(said.chars) and said.chars == registered.chars
    if same_chars or said.syllables == registered.syllables:
        pinyin = "" if same_chars else f" (same pinyin {said.full_key})"
        why = f"{label} {said.text} {'=' if same_chars else '~'} {registered.text}{pinyin}"
        if said.nickname:
            # Any child named ...勇 may be called 勇勇, registered or not: rarity of the tail.
            return NameLink(0.8 if same_chars else 0.75, NameKey.NICK, said.nickname, why)
        if same_chars:
            return NameLink(1.0, NameKey.CHARS, said.chars, why)
        return NameLink(0.92, NameKey.FULL, said.full_key, why)
    return (
        _given_link(said, registered, label)
        or _nickname_link(said, registered, label)
        or _fuzzy_link(said, registered, label)
    )


def _given_link(said: NameForm, registered: NameForm, label: str) -> NameLink | None:
    """Same given name under another surname, or a bare given name."""
    pair = f"{said.text} ~ {registered.text}"
    if said.nickname or registered.nickname:
        return None
    if said.surname and registered.surname and said.given == registered.given:
        why = f"{label} {pair}: same given name, other surname (changed?)"
        return NameLink(0.75, NameKey.GIVEN, said.given_key, why)
    bare_said = not said.surname and said.syllables == registered.given
    bare_registered = not registered.surname and registered.syllables == said.given
    if bare_said or bare_registered:
        why = f"{label} {said.text} ~ given name of {registered.text}"
        return NameLink(0.75, NameKey.GIVEN, " ".join(registered.given), why)
    return None


def _nickname_link(said: NameForm, registered: NameForm, label: str) -> NameLink | None:
    """小勇, 阿勇 or 勇勇 on one side and a name ending in 勇 on the other."""
    if not (said.nickname or registered.nickname):
        return None
    said_tail = said.nickname or said.given[-1]
    if said_tail != (registered.nickname or registered.given[-1]):
        return None
    why = f"{label} {said.text} ~ {registered.text} (nickname)"
    return NameLink(0.55, NameKey.NICK, said_tail, why)


def _fuzzy_link(said: NameForm, registered: NameForm, label: str) -> NameLink | None:
    """Pinyin one sound apart, as when a name is misheard or misspelled."""
    similarity = ratio(said.full_key, registered.full_key)
    if not said.surname and registered.surname:
        similarity = max(similarity, ratio(said.full_key, registered.given_key))
    if similarity < _FUZZY_MIN_RATIO:
        return None
    score = 0.25 + 0.3 * (similarity - _FUZZY_MIN_RATIO) / (100.0 - _FUZZY_MIN_RATIO)
    why = f"{label} {said.text} ≈ {registered.text} (similar pinyin {similarity:.0f}%)"
    return NameLink(score, NameKey.FULL, registered.full_key, why, _FUZZY_CHANCE_FACTOR)


def name_evidence(tip: TipProfile, entry: RegistryProfile, rarity: Rarity) -> Evidence:
    """Best-informed name agreement; only the child's own name counts against a match."""
    registered = registry_names(entry)
    child_said = _parsed(tip.given_names)
    adults_say = _parsed(tip.names)
    if not registered or not (child_said or adults_say):
        return no_evidence(Feature.NAMES, "names unknown")
    sources = ((child_said, _CHILD_SAID, "child's name"), (adults_say, _ADULTS_SAY, "name"))
    found = (
        _weighed(link, weight, rarity)
        for forms, weight, label in sources
        for said in forms
        for other in registered
        if (link := link_names(said, other, label)) is not None
    )
    best = max(found, key=lambda evidence: evidence[0], default=None)
    if best is not None:
        return best[1]
    if child_said:
        spoken = "/".join(f.text for f in child_said)
        why = f"child's name {spoken} shares nothing with {entry.name}"
        return Evidence(Feature.NAMES, 0.0, why)
    return no_evidence(Feature.NAMES, "no name in common")


def _weighed(link: NameLink, weight: float, rarity: Rarity) -> tuple[float, Evidence]:
    """(information, evidence) of one link: a shared rare name tells more than a shared 小宝."""
    chance = min(rarity.chance(link.kind, link.value) * link.chance_factor, 0.5)
    score = link.score * weight
    return score * -math.log(chance), Evidence(Feature.NAMES, score, link.reason, chance)


def _parsed(texts: Iterable[str]) -> list[NameForm]:
    """Parse names, dropping blanks and unreadable ones."""
    return [form for form in map(parse_name, texts) if form is not None]
