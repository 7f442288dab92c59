"""Name evidence: exact, homophone, surname-changed, nickname and fuzzy pinyin agreement."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.name_channels import (
    ADULTS_SHARES,
    CHILD_SHARES,
    DERIVED_FIT,
    SOUND_FIT,
    Channel,
    background,
    channel_llr,
    outside_background,
)
from triage.matching.name_forms import NameForm, parse_name
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.rarity import Rarity
from triage.matching.reasons import Reason, reason

CHILD, ADULTS = reason("whose.child"), reason("whose.adults")  # whose name was heard
_FUZZY_MIN_RATIO = 80.0
# A misheard name (one sound off) is a slip of the ear, one of many a name could suffer.
_FUZZY_FIT = 0.01
# A nickname made from the name, when the family registered the one the child went by.
_DERIVED_BESIDE_REGISTERED = 0.3


@dataclass(frozen=True)
class NameLink:
    """How one tip name agrees with one registry name: the way it came, and how well it fits."""

    channel: Channel
    fit: float
    why: Reason
    derived: bool = False  # a nickname made from the name (XX, 小X, 阿X), not a registered one


def registry_names(entry: RegistryProfile) -> list[NameForm]:
    """The registered name and every other name, parsed."""
    return _registered(entry.name, tuple(entry.other_names))


@lru_cache(maxsize=1 << 17)
def _registered(name: str, others: tuple[str, ...]) -> list[NameForm]:
    return _parsed([name, *others])


def _written_fit(said: str, registered: str) -> float:
    """The same characters fit fully; the same sound written otherwise (a homophone) less."""
    return 1.0 if not said or not registered or said == registered else SOUND_FIT


@lru_cache(maxsize=1 << 17)
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
        fit = _written_fit(said.chars, registered.chars)
        if registered.nickname and (said.nickname or not said.surname):
            return NameLink(Channel.NICKNAME, fit, why)  # the registered nickname itself
        if said.nickname:
            # Sounds like a nickname: any child named ...X may be called XX.
            return NameLink(Channel.NICKNAME, DERIVED_FIT, why, derived=True)
        return NameLink(Channel.EXACT, fit, why)
    return (
        _given_link(said, registered, label)
        or _nickname_link(said, registered, label)
        or _fuzzy_link(said, registered, label)
    )


def _given_link(said: NameForm, registered: NameForm, label: Reason) -> NameLink | None:
    """Same given name under another surname, or a bare given name."""
    pair = {"whose": label, "said": said.text, "registered": registered.text}
    if registered.nickname:
        return None
    if said.nickname:
        # 静静 is a nickname pattern, and the whole given name of 周静静: the name alone.
        if registered.surname and said.syllables == registered.given:
            why = reason("name.given_of", **pair)
            fit = _written_fit(said.chars, registered.given_chars)
            return NameLink(Channel.GIVEN, fit, why)
        return None
    if said.surname and registered.surname and said.given == registered.given:
        why = reason("name.other_surname", **pair)
        fit = _written_fit(said.given_chars, registered.given_chars)
        return NameLink(Channel.OTHER_SURNAME, fit, why)
    # A name of two characters may be a surname and a given name or a given name alone
    # (阳欣: surname 阳, or the given name of 王阳欣): both readings are tried.
    if said.syllables == registered.given or (not said.surname and said.given == registered.given):
        why = reason("name.given_of", **pair)
        return NameLink(Channel.GIVEN, _written_fit(said.chars, registered.given_chars), why)
    if not registered.surname and registered.syllables == said.given:
        why = reason("name.given_of", **pair)
        return NameLink(Channel.GIVEN, _written_fit(said.given_chars, registered.chars), why)
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
    tail_chars = said.chars[-1:] if said.chars else ""
    fit = DERIVED_FIT * _written_fit(tail_chars, registered.chars[-1:])
    return NameLink(Channel.NICKNAME, fit, why, derived=True)


def _fuzzy_link(said: NameForm, registered: NameForm, label: Reason) -> NameLink | None:
    """Pinyin one sound apart (a misheard name); never nicknames: 小丽 and 小凯 share only 小."""
    if said.nickname or registered.nickname:
        return None
    similarity = ratio(said.full_key, registered.full_key)
    if not said.surname and registered.surname:
        similarity = max(similarity, ratio(said.full_key, registered.given_key))
    if similarity < _FUZZY_MIN_RATIO:
        return None
    if len(said.syllables) != len(registered.syllables):
        return None  # a syllable more or less (黄伟波, 黄伟) is another name, not a slip
    fit = _FUZZY_FIT * (similarity - _FUZZY_MIN_RATIO) / (100.0 - _FUZZY_MIN_RATIO)
    why = reason(
        "name.similar", whose=label, said=said.text, registered=registered.text,
        similarity=f"{similarity:.0f}",
    )  # fmt: skip
    return NameLink(Channel.EXACT, fit, why)


def name_evidence(tip: TipProfile, entry: RegistryProfile, rarity: Rarity) -> Evidence:
    """The child's own name and the adults' name, each a mixture of the ways names arise."""
    registered = registry_names(entry)
    heard = [
        (forms, shares, label)
        for forms, shares, label in (
            (_parsed(tip.given_names), CHILD_SHARES, CHILD),
            (_parsed(tip.names), ADULTS_SHARES, ADULTS),
        )
        if forms
    ]
    if not registered or not heard:
        return no_evidence(Feature.NAMES)
    total, shown = 0.0, None
    for forms, shares, label in heard:
        llr, why, fit = max(
            (_said_llr(said, registered, shares, label, rarity, entry.sex) for said in forms),
            key=lambda found: found[0],
        )
        total += llr
        if shown is None:  # the child's own name is the reason shown when given
            shown = (why or _unlinked(label, forms, entry), fit)
        if label is CHILD and why is None:
            break  # the child's own name is not this entry's: an adults' name that is, is chance
    assert shown is not None
    return Evidence(Feature.NAMES, shown[1], shown[0], llr=total)


def _said_llr(
    said: NameForm,
    registered: list[NameForm],
    shares: dict[Channel, float],
    label: Reason,
    rarity: Rarity,
    sex: str | None = None,
) -> tuple[float, Reason | None, float]:
    """(log-likelihood ratio, reason, fit) of one heard name by its best link, or as a new name."""
    links = [link for other in registered if (link := link_names(said, other, label))]
    best = max(links, key=lambda link: shares[link.channel] * link.fit, default=None)
    if best is None:
        return channel_llr(Channel.NEW, 0.0, said, rarity, shares, sex), None, 0.0
    fit = best.fit
    if best.derived and len(registered) > 1:
        fit *= _DERIVED_BESIDE_REGISTERED  # the family told us what the child was called
    return channel_llr(best.channel, fit, said, rarity, shares, sex), best.why, fit


def unregistered_name_llr(tip: TipProfile, rarity: Rarity) -> float:
    """log P(the names heard | a child not registered) / P(them | a registered child at random).

    Not 0: a rare name that one registered child carries is counted 1 in the registry's
    size, but a child outside the registry carries it far less often (`outside_background`),
    so hearing it says the child is likelier registered. Several names heard of one kind
    count by their mean.
    """
    total = 0.0
    for forms, shares in (
        (_parsed(tip.given_names), CHILD_SHARES),
        (_parsed(tip.names), ADULTS_SHARES),
    ):
        if forms:
            total += statistics.fmean(
                math.log(outside_background(f, rarity, shares) / background(f, rarity, shares))
                for f in forms
            )
    return total


def _unlinked(label: Reason, forms: list[NameForm], entry: RegistryProfile) -> Reason:
    """The reason when a heard name shares nothing with the entry's names."""
    spoken = "/".join(f.text for f in forms)
    if label is CHILD:
        return reason("name.child_differs", said=spoken, registered=entry.name)
    return reason("name.unrelated", said=spoken, registered=entry.name)


def _parsed(texts: Iterable[str]) -> list[NameForm]:
    """Parse names, dropping blanks and unreadable ones."""
    return [form for form in map(parse_name, texts) if form is not None]
