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
from triage.matching.reasons import Reason, reason

# The child's own "original" name is stronger than what the adults around them say.
_CHILD_SAID = 1.0
_ADULTS_SAY = 0.8
_FUZZY_MIN_RATIO = 80.0
# A name the adults use that shares nothing with the entry: often a new name they gave the
# child, so it counts only a little against (log-likelihood ratio, about log 0.35).
_UNRELATED_ADULTS_NAME = -1.0
CHILD, ADULTS = reason("whose.child"), reason("whose.adults")  # whose name was heard
# Many more names lie within fuzzy reach than share the exact pinyin.
_FUZZY_CHANCE_FACTOR = 10.0
_FUZZY_CHANCE = 0.02


@dataclass(frozen=True)
class NameLink:
    """How one tip name agrees with one registry name."""

    score: float
    kind: NameKey
    value: str  # the shared key value, looked up for rarity
    why: Reason
    chance_factor: float = 1.0


def registry_names(entry: RegistryProfile) -> list[NameForm]:
    """The registered name and every other name, parsed."""
    return _parsed([entry.name, *entry.other_names])


def link_names(said: NameForm, registered: NameForm, label: Reason = ADULTS) -> NameLink | None:
    """The strongest way a tip name agrees with a registry name, if any."""
    same_chars = bool(said.chars) and said.chars == registered.chars
    if same_chars or said.syllables == registered.syllables:
        pair = {"whose": label, "said": said.text, "registered": registered.text}
        why = (
            reason("name.same", **pair)
            if same_chars
            else reason("name.same_pinyin", pinyin=said.full_key, **pair)
        )
        if said.nickname and same_chars:
            # The registered nickname itself: as telling as it is rare (毛毛 is shared by many).
            return NameLink(0.9, NameKey.CHARS, said.chars, why)
        if said.nickname or registered.nickname:
            # Sounds like a nickname (or is one): any child named ...X may be called XX.
            return NameLink(0.6, NameKey.NICK, said.nickname or said.given[-1], why)
        if same_chars:
            return NameLink(1.0, NameKey.CHARS, said.chars, why)
        return NameLink(0.92, NameKey.FULL, said.full_key, why)
    return (
        _given_link(said, registered, label)
        or _nickname_link(said, registered, label)
        or _fuzzy_link(said, registered, label)
    )


def _given_link(said: NameForm, registered: NameForm, label: Reason) -> NameLink | None:
    """Same given name under another surname, or a bare given name."""
    pair = {"whose": label, "said": said.text, "registered": registered.text}
    if said.nickname or registered.nickname:
        return None
    if said.surname and registered.surname and said.given == registered.given:
        why = reason("name.other_surname", **pair)
        return NameLink(0.75, NameKey.GIVEN, said.given_key, why)
    # A name of two characters may be a surname and a given name or a given name alone
    # (阳欣: surname 阳, or the given name of 王阳欣): both readings are tried.
    bare_said = said.syllables == registered.given or (
        not said.surname and said.given == registered.given
    )
    bare_registered = not registered.surname and registered.syllables == said.given
    if bare_said or bare_registered:
        why = reason("name.given_of", **pair)
        return NameLink(0.75, NameKey.GIVEN, " ".join(registered.given), why)
    return None


def _nickname_link(said: NameForm, registered: NameForm, label: Reason) -> NameLink | None:
    """A nickname heard (小勇, 阿勇, 勇勇) and a registered name ending in 勇, or its nickname.

    Only a nickname heard counts: a full name heard (冰娟) is not the nickname 娟娟.
    """
    if not said.nickname:
        return None
    said_tail = said.nickname or said.given[-1]
    if said_tail != (registered.nickname or registered.given[-1]):
        return None
    why = reason("name.nickname", whose=label, said=said.text, registered=registered.text)
    return NameLink(0.55, NameKey.NICK, said_tail, why)


def _fuzzy_link(said: NameForm, registered: NameForm, label: Reason) -> NameLink | None:
    """Pinyin one sound apart (a misheard name); never nicknames: 小丽 and 小凯 share only 小."""
    if said.nickname or registered.nickname:
        return None
    similarity = ratio(said.full_key, registered.full_key)
    if not said.surname and registered.surname:
        similarity = max(similarity, ratio(said.full_key, registered.given_key))
    if similarity < _FUZZY_MIN_RATIO:
        return None
    score = 0.25 + 0.3 * (similarity - _FUZZY_MIN_RATIO) / (100.0 - _FUZZY_MIN_RATIO)
    if len(said.syllables) != len(registered.syllables):
        score /= 2  # a syllable more or less (黄伟波, 黄伟) is another name more often than not
    why = reason(
        "name.similar", whose=label, said=said.text, registered=registered.text,
        similarity=f"{similarity:.0f}",
    )  # fmt: skip
    return NameLink(score, NameKey.FULL, registered.full_key, why, _FUZZY_CHANCE_FACTOR)


def name_evidence(tip: TipProfile, entry: RegistryProfile, rarity: Rarity) -> Evidence:
    """Best-informed name agreement; only the child's own name counts against a match."""
    registered = registry_names(entry)
    child_said = _parsed(tip.given_names)
    adults_say = _parsed(tip.names)
    if not registered or not (child_said or adults_say):
        return no_evidence(Feature.NAMES)
    # What the child says of their own name outweighs what the adults call them: when the
    # child's name shares nothing with the entry, an adults' name that does is chance.
    for forms, weight, label in (
        (child_said, _CHILD_SAID, CHILD),
        (adults_say, _ADULTS_SAY, ADULTS),
    ):
        found = [
            _weighed(link, weight, rarity)
            for said in forms
            for other in registered
            if (link := link_names(said, other, label)) is not None
        ]
        if found:
            return max(found, key=lambda evidence: evidence[0])[1]
        if forms and label is CHILD:
            spoken = "/".join(f.text for f in child_said)
            why = reason("name.child_differs", said=spoken, registered=entry.name)
            return Evidence(Feature.NAMES, 0.0, why)
    spoken = "/".join(f.text for f in adults_say)
    why = reason("name.unrelated", said=spoken, registered=entry.name)
    return Evidence(Feature.NAMES, 0.0, why, llr=_UNRELATED_ADULTS_NAME)


def _weighed(link: NameLink, weight: float, rarity: Rarity) -> tuple[float, Evidence]:
    """(information, evidence) of one link: a shared rare name tells more than a shared 小宝."""
    chance = min(rarity.chance(link.kind, link.value) * link.chance_factor, 0.5)
    if link.chance_factor > 1:  # many names lie within fuzzy reach, however rare each is
        chance = max(chance, _FUZZY_CHANCE)
    score = link.score * weight
    return score * -math.log(chance), Evidence(Feature.NAMES, score, link.why, chance)


def _parsed(texts: Iterable[str]) -> list[NameForm]:
    """Parse names, dropping blanks and unreadable ones."""
    return [form for form in map(parse_name, texts) if form is not None]
