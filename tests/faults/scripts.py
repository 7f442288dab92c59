"""Recorded sighting interviews: what each tipster does, as taps on buttons or typed answers.

A script is a list of actions. The Telegram side turns each into an update when it is
played: a tap needs the bot's latest question (its message id and buttons), which only
exists once the previous answer came back; a typed script needs nothing from the bot, so
it can be delivered in one burst.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.steps import SPECS, Step, option_key
from storage import FieldCipher, Report


@dataclass(frozen=True)
class Say:
    """Type a message (a leading slash makes it a command)."""

    text: str


@dataclass(frozen=True)
class Tap:
    """Tap the button standing for `value` of question `step` (typed: its number)."""

    step: Step
    value: str


@dataclass(frozen=True)
class Pin:
    """Share a location pin."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class OwnContact:
    """Share one's own phone number with the contact button."""

    phone: str


Action = Say | Tap | Pin | OwnContact


@dataclass(frozen=True)
class Sighting:
    """One tipster's sighting, from /start to Submit."""

    place: Pin | Say
    when: str = "yesterday"
    presence: str = "lives_nearby"
    sex: str = "boy"
    age: str = "7"
    looks: str | None = None
    names_used: str | None = None
    names_given: str | None = None
    child_said: str | None = None
    dialect: str = "cantonese"
    differs: str = "yes"
    signs: tuple[str, ...] = ("wants_home", "afraid")
    adults: str | None = None
    phone: str | None = None

    def actions(self) -> list[Action]:
        """The interview as a person with Telegram's buttons plays it."""
        optional = [Say(text or "/skip") for text in self._optional_answers()]
        contact: list[Action] = [Tap(Step.CONTACT, "anonymous")]
        if self.phone:
            contact = [Tap(Step.CONTACT, "phone"), OwnContact(self.phone)]
        return [
            Say("/start"),
            Tap(Step.KIND, "sighting"),
            Tap(Step.SAFETY, "continue"),
            self.place,
            Tap(Step.WHEN, self.when),
            Tap(Step.PRESENCE, self.presence),
            Tap(Step.CHILD_SEX, self.sex),
            Say(self.age),
            *optional[:4],
            Tap(Step.DIALECT, self.dialect),
            Tap(Step.DIALECT_DIFFERS, self.differs),
            *(Tap(Step.SIGNS, sign) for sign in self.signs),
            Tap(Step.SIGNS, "done"),
            optional[4],
            Tap(Step.MEDIA, "done"),
            *contact,
            Tap(Step.REVIEW, "submit"),
        ]

    def typed(self) -> list[Say]:
        """The same interview typed, choices by number or letter as a typed channel offers
        them: nothing waits for the bot's answer."""
        typed: list[Say] = []
        for action in self.actions():
            if isinstance(action, Tap):
                index = SPECS[action.step].choices.index(action.value)
                typed.append(Say(option_key(action.step, index)))
            elif isinstance(action, OwnContact):
                typed.append(Say(action.phone))
            elif isinstance(action, Pin):
                raise ValueError("a typed script names its place in words")
            else:
                typed.append(action)
        return typed

    def _optional_answers(self) -> list[str | None]:
        return [self.looks, self.names_used, self.names_given, self.child_said, self.adults]


SIGHTINGS = (
    Sighting(
        place=Pin(30.6586, 104.0648),
        names_used="小明",
        child_said="我想回家，我家在广州",
        adults="两个男人，一辆白色面包车",
    ),
    Sighting(
        place=Say("武汉汉口火车站"),
        when="today",
        presence="there_now",
        sex="girl",
        age="5-6",
        looks="红色外套，短头发",
        dialect="southwestern",
        signs=("begging_working", "lost_place", "story_mismatch"),
        phone="+8613800138000",
    ),
    Sighting(
        place=Say("昆明 北京路 菜市场"),
        when="this_week",
        presence="seen_once",
        sex="not_sure",
        age="10",
        names_given="阿花, 小花",
        dialect="minnan",
        differs="not_sure",
        signs=("no_school",),
        adults="一个女人说是孩子的姑姑",
        phone="13911112222",
    ),
    Sighting(
        place=Say("深圳宝安汽车站"),
        when="now",
        presence="there_now",
        sex="boy",
        age="3",
        dialect="not_sure",
        differs="no",
        signs=("injuries", "afraid", "arrived_recently", "wants_home"),
    ),
)
"""Different on every answer, so a mixed-up or doubled answer shows in the report."""

TIP_FIELDS = (
    "kind",
    "status",
    "language",
    "channel",
    "place_text",
    "province",
    "city",
    "latitude",
    "longitude",
    "seen_text",
    "presence",
    "child_sex",
    "child_age_min",
    "child_age_max",
    "child_description",
    "names_used",
    "names_given",
    "child_said",
    "dialect",
    "dialect_text",
    "dialect_differs",
    "candidate_provinces",
    "signs",
    "signs_text",
    "adults",
    "details",
)


def tip_of(report: Report, cipher: FieldCipher) -> dict[str, Any]:
    """What the tipster told us in a report, comparable across runs (no ids, codes or clocks)."""
    tip = {name: getattr(report, name) for name in TIP_FIELDS}
    tip["seen_on"] = report.seen_on.date() if report.seen_on else None
    tip["phone"] = cipher.decrypt(report.contact_phone) if report.contact_phone else None
    answers = dict(report.answers)
    if isinstance(answers.get("when"), dict):
        answers["when"] = {**answers["when"], "date": str(answers["when"].get("date"))[:10]}
    tip["answers"] = answers
    return tip


def comparable_state(state: dict[str, Any]) -> dict[str, Any]:
    """A conversation's stored state without its clocks (flood window, last touched)."""
    return {k: v for k, v in state.items() if k not in ("recent", "touched_at")}
