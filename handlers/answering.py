"""Applying one answer to the draft: validate it, store it, say whether to move on."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers import dialects, places
from handlers.answers import (
    AnswerError,
    mask_phone,
    parse_age,
    parse_birth,
    parse_phone,
    parse_when,
    quick_when,
    split_names,
)
from handlers.catalogue import catalogue
from handlers.messages import Inbound, InboundKind
from handlers.place_answer import place_from_text
from handlers.prompts import choice_values, option_label
from handlers.state import Env, State
from handlers.steps import SPECS, Answer, Step, dependents, option_key
from storage.locations import cell, point_text

__all__ = ["PARSERS", "Parser", "Stay", "add_media", "apply_answer", "resolve_choice"]


@dataclass(frozen=True)
class Stay:
    """The answer was taken but the question stays open (a tick, a photo); `notice` says so."""

    notice: str = ""


class StaleButton(AnswerError):
    """A button from an earlier question, or one we never offered."""


def resolve_choice(env: Env, state: State, step: str, msg: Inbound) -> str | None:
    """The choice a tap, the option's key (its number or letter) or its words stand for;
    None if no choice matches."""
    values = choice_values(state, step)
    if msg.kind is InboundKind.CHOICE:
        if msg.step != step or msg.text not in values:
            raise StaleButton("error.stale_button")
        return msg.text
    if msg.kind is not InboundKind.TEXT:
        return None
    typed = _typed_form(msg.text)
    for index, value in enumerate(values):
        if typed == _typed_form(option_key(step, index)):
            return value
    for value in values:
        labels = {
            _typed_form(option_label(env, state, code, step, value)) for code in env.texts.languages
        }
        if typed == value or typed in labels:
            return value
    return None


# A Chinese keyboard's full-width forms ("Ａ", "１", "，") are the ASCII ones ("²" stays "²").
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _typed_form(text: str) -> str:
    """Text as compared with an option: full-width folded, case-folded, no end stop."""
    return text.translate(_FULL_WIDTH).strip().casefold().rstrip(".。、")


def _text(env: Env, state: State, step: str, msg: Inbound) -> str:
    """The typed answer, trimmed and within the step's length."""
    if msg.kind is InboundKind.CHOICE:  # a button where words are asked for
        raise StaleButton("error.stale_button")
    if msg.kind is not InboundKind.TEXT:
        raise AnswerError("error.need_text")
    text = msg.text.strip()
    limit = SPECS[Step(step)].max_length or env.config.max_answer_length
    if not text:
        raise AnswerError("error.need_text")
    if len(text) > limit:
        raise AnswerError("error.too_long", limit=limit, length=len(text))
    return text


Parser = Callable[[Env, State, Step, Inbound], Stay | None]
"""Reads one answer of its kind and stores it on the draft; Stay keeps the question open."""


def _choice(env: Env, state: State, step: Step, msg: Inbound) -> None:
    choice = resolve_choice(env, state, step, msg)
    if choice is None:
        raise AnswerError("error.choose_one")
    state.draft[step] = choice
    for dependent, value in dependents(step):  # no longer asked: its answer goes too
        if choice != value:
            state.draft.pop(dependent, None)


def _typed(env: Env, state: State, step: Step, msg: Inbound) -> None:
    state.draft[step] = _text(env, state, step, msg)


def _place(env: Env, state: State, step: Step, msg: Inbound) -> None:
    if msg.kind is InboundKind.LOCATION and msg.latitude is not None and msg.longitude is not None:
        guess = places.place_from_coordinates(msg.latitude, msg.longitude)
        state.doubted = None
        state.draft[step] = {  # the exact point only encrypted: it is often where they stand
            "text": None,
            "lat": cell(msg.latitude),
            "lon": cell(msg.longitude),
            "enc": env.encrypt(point_text(msg.latitude, msg.longitude)),
            "province": guess.province,
            "city": guess.city,
        }
    else:
        state.draft[step] = place_from_text(state, step, _text(env, state, step, msg))


def _moment(env: Env, state: State, step: Step, msg: Inbound) -> None:
    if choice := resolve_choice(env, state, step, msg):
        date = quick_when(choice, env.now).isoformat()
        state.draft[step] = {"choice": choice, "text": None, "date": date}
        return
    text = _text(env, state, step, msg)
    parsed = parse_when(text, now=env.now, timezone=env.config.timezone)
    state.draft[step] = {"choice": None, "text": text, "date": parsed.isoformat()}


def _dialect(env: Env, state: State, step: Step, msg: Inbound) -> None:
    if choice := resolve_choice(env, state, step, msg):
        provinces = dialects.candidate_provinces(choice)
        state.draft[step] = {"group": choice, "text": None, "provinces": provinces}
        return
    text = _text(env, state, step, msg)
    guess = dialects.dialect_from_text(text)
    # The reader already offers a group's candidates; none left means none (standard Mandarin).
    state.draft[step] = {"group": guess.group, "text": text, "provinces": list(guess.provinces)}


def _birth(env: Env, state: State, step: Step, msg: Inbound) -> None:
    if resolve_choice(env, state, step, msg):
        state.draft[step] = {"unknown": True}
        return
    text = _text(env, state, step, msg)
    born, year_only = parse_birth(text, now=env.local(env.now))
    state.draft[step] = {"date": born.isoformat(), "year_only": year_only, "text": text}


def _age(env: Env, state: State, step: Step, msg: Inbound) -> None:
    if resolve_choice(env, state, step, msg):
        state.draft[step] = {"unknown": True}
        return
    text = _text(env, state, step, msg)
    low, high = parse_age(text)
    state.draft[step] = {"min": low, "max": high, "text": text}


def _phone(env: Env, state: State, step: Step, msg: Inbound) -> None:
    shared = msg.phone if msg.kind is InboundKind.CONTACT else None
    e164 = parse_phone(shared or _text(env, state, step, msg), region=env.config.phone_region)
    state.draft[step] = {"enc": env.encrypt(e164), "masked": mask_phone(e164, spaced=True)}


def _names(env: Env, state: State, step: Step, msg: Inbound) -> None:
    text = _text(env, state, step, msg)
    no_name = catalogue().said("answer.words.no_name", text)
    state.draft[step] = None if no_name else split_names(text)  # None: as /skip


def _ticks(env: Env, state: State, step: Step, msg: Inbound) -> Stay | None:
    """A tick or untick (by tap, key or words, several keys at once), Done, or a note."""
    ticked = dict(state.draft.get(step) or {"selected": [], "text": None})
    selected: list[str] = list(ticked["selected"])
    values = choice_values(state, step)
    picked: list[str] = []
    if msg.kind is InboundKind.TEXT and re.fullmatch(r"[\d\s,，、]+", msg.text.strip()):
        for number in re.findall(r"\d+", msg.text):
            if not 1 <= int(number) <= len(values):
                raise AnswerError("error.choose_one")
            picked.append(values[int(number) - 1])
    else:
        choice = resolve_choice(env, state, step, msg)
        if choice is None:  # free text: a note beside the checklist
            note = _text(env, state, step, msg)
            ticked["text"] = f"{ticked['text']}\n{note}" if ticked.get("text") else note
            state.draft[step] = ticked
            return Stay(env.t(state.language, "notice.signs_noted"))
        picked.append(choice)
    if "done" in picked:
        state.draft[step] = ticked
        return None
    for value in picked:
        selected.remove(value) if value in selected else selected.append(value)
    ticked["selected"] = [v for v in values if v in selected]
    state.draft[step] = ticked
    return Stay()


def _attachments(env: Env, state: State, step: Step, msg: Inbound) -> Stay | None:
    """Photos and files kept one by one, until Done."""
    if msg.kind is InboundKind.MEDIA:
        return Stay(add_media(env, state, msg))
    if resolve_choice(env, state, step, msg) == "done":
        state.draft.setdefault(step, [])
        return None
    raise AnswerError("error.media_expected")


def add_media(env: Env, state: State, msg: Inbound) -> str:
    """Keep an attachment reference on the draft; return the notice to show."""
    media = list(state.draft.get(Step.MEDIA) or [])
    if len(media) >= env.config.max_attachments:
        return env.t(state.language, "error.too_many_media", limit=env.config.max_attachments)
    media.append({"type": msg.media_type or "document", "ref": msg.media_ref})
    state.draft[Step.MEDIA] = media
    return env.t(state.language, "notice.media_kept", count=len(media))


# How each kind of answer is read and stored: adding a kind of answer is one row.
PARSERS: dict[Answer, Parser] = {
    Answer.CHOICE: _choice,
    Answer.MOMENT: _moment,
    Answer.DIALECT: _dialect,
    Answer.TEXT: _typed,
    Answer.NAMES: _names,
    Answer.AGE: _age,
    Answer.BIRTH: _birth,
    Answer.PLACE: _place,
    Answer.MULTI: _ticks,
    Answer.MEDIA: _attachments,
    Answer.PHONE: _phone,
}


def apply_answer(env: Env, state: State, msg: Inbound) -> Stay | None:
    """Store the answer to the current step; None means move on, Stay means ask again."""
    step = Step(state.step or Step.KIND)
    return PARSERS[SPECS[step].answer](env, state, step, msg)
