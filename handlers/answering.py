"""Applying one answer to the draft: validate it, store it, say whether to move on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
from handlers.steps import SPECS, Answer, Step, option_key
from storage.locations import cell, point_text

__all__ = ["Stay", "apply_answer", "resolve_choice"]


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
    if msg.kind is not InboundKind.TEXT:
        raise AnswerError("error.need_text")
    text = msg.text.strip()
    limit = SPECS[Step(step)].max_length or env.config.max_answer_length
    if not text:
        raise AnswerError("error.need_text")
    if len(text) > limit:
        raise AnswerError("error.too_long", limit=limit, length=len(text))
    return text


def _place(env: Env, state: State, step: str, msg: Inbound) -> dict[str, Any]:
    if msg.kind is InboundKind.LOCATION and msg.latitude is not None and msg.longitude is not None:
        guess = places.place_from_coordinates(msg.latitude, msg.longitude)
        state.doubted = None
        return {  # the exact point only encrypted: it is often where the tipster stands
            "text": None,
            "lat": cell(msg.latitude),
            "lon": cell(msg.longitude),
            "enc": env.encrypt(point_text(msg.latitude, msg.longitude)),
            "province": guess.province,
            "city": guess.city,
        }
    return place_from_text(state, step, _text(env, state, step, msg))


def _when(env: Env, state: State, msg: Inbound, choice: str | None) -> dict[str, Any]:
    if choice:
        return {"choice": choice, "text": None, "date": quick_when(choice, env.now).isoformat()}
    text = _text(env, state, Step.WHEN, msg)
    parsed = parse_when(text, now=env.now, timezone=env.config.timezone)
    return {"choice": None, "text": text, "date": parsed.isoformat()}


def _dialect(env: Env, state: State, msg: Inbound, choice: str | None) -> dict[str, Any]:
    if choice:
        return {"group": choice, "text": None, "provinces": dialects.candidate_provinces(choice)}
    text = _text(env, state, Step.DIALECT, msg)
    guess = dialects.dialect_from_text(text)
    # The reader already offers a group's candidates; none left means none (standard Mandarin).
    return {"group": guess.group, "text": text, "provinces": list(guess.provinces)}


def _toggle_signs(env: Env, state: State, msg: Inbound) -> Stay | None:
    signs = dict(state.draft.get("signs") or {"selected": [], "text": None})
    selected: list[str] = list(signs["selected"])
    values = choice_values(state, Step.SIGNS)
    picked: list[str] = []
    if msg.kind is InboundKind.TEXT and re.fullmatch(r"[\d\s,，、]+", msg.text.strip()):
        for number in re.findall(r"\d+", msg.text):
            if not 1 <= int(number) <= len(values):
                raise AnswerError("error.choose_one")
            picked.append(values[int(number) - 1])
    else:
        choice = resolve_choice(env, state, Step.SIGNS, msg)
        if choice is None:  # free text: a note beside the checklist
            note = _text(env, state, Step.SIGNS, msg)
            signs["text"] = f"{signs['text']}\n{note}" if signs.get("text") else note
            state.draft["signs"] = signs
            return Stay(env.t(state.language, "notice.signs_noted"))
        picked.append(choice)
    if "done" in picked:
        state.draft["signs"] = signs
        return None
    for value in picked:
        selected.remove(value) if value in selected else selected.append(value)
    signs["selected"] = [v for v in values if v in selected]
    state.draft["signs"] = signs
    return Stay()


def add_media(env: Env, state: State, msg: Inbound) -> str:
    """Keep an attachment reference on the draft; return the notice to show."""
    media = list(state.draft.get("media") or [])
    if len(media) >= env.config.max_attachments:
        return env.t(state.language, "error.too_many_media", limit=env.config.max_attachments)
    media.append({"type": msg.media_type or "document", "ref": msg.media_ref})
    state.draft["media"] = media
    return env.t(state.language, "notice.media_kept", count=len(media))


def apply_answer(env: Env, state: State, msg: Inbound) -> Stay | None:
    """Store the answer to the current step; None means move on, Stay means ask again."""
    step = Step(state.step or Step.KIND)
    spec = SPECS[step]
    draft = state.draft
    if spec.answer is Answer.MULTI:
        return _toggle_signs(env, state, msg)
    if spec.answer is Answer.MEDIA:
        if msg.kind is InboundKind.MEDIA:
            return Stay(add_media(env, state, msg))
        if resolve_choice(env, state, step, msg) == "done":
            draft.setdefault("media", [])
            return None
        raise AnswerError("error.media_expected")
    choice = resolve_choice(env, state, step, msg)
    if spec.answer is Answer.CHOICE:
        if choice is None:
            raise AnswerError("error.choose_one")
        draft[step] = choice
        if step == Step.CONTACT and choice == "anonymous":
            draft.pop("phone", None)
    elif step == Step.WHEN:
        draft[step] = _when(env, state, msg, choice)
    elif step == Step.DIALECT:
        draft[step] = _dialect(env, state, msg, choice)
    elif spec.answer is Answer.BIRTH:
        if choice:
            draft[step] = {"unknown": True}
        else:
            text = _text(env, state, step, msg)
            born, year_only = parse_birth(text, now=env.local(env.now))
            draft[step] = {"date": born.isoformat(), "year_only": year_only, "text": text}
    elif spec.answer is Answer.AGE:
        text = "" if choice else _text(env, state, step, msg)
        low_high = None if choice else parse_age(text)
        draft[step] = (
            {"unknown": True}
            if low_high is None
            else {"min": low_high[0], "max": low_high[1], "text": text}
        )
    elif spec.answer is Answer.PLACE:
        draft[step] = _place(env, state, step, msg)
    elif spec.answer is Answer.PHONE:
        raw = (
            msg.phone
            if msg.kind is InboundKind.CONTACT and msg.phone
            else _text(env, state, step, msg)
        )
        e164 = parse_phone(raw, region=env.config.phone_region)
        draft[step] = {"enc": env.encrypt(e164), "masked": mask_phone(e164, spaced=True)}
    elif spec.answer is Answer.NAMES:
        text = _text(env, state, step, msg)
        no_name = catalogue().said("answer.words.no_name", text)
        draft[step] = None if no_name else split_names(text)  # None: as /skip
    else:
        draft[step] = _text(env, state, step, msg)
    return None
