"""The interview as one table: every question, what it accepts, and the order per report kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.dialects import DIALECT_GROUPS
from storage import ReportKind

__all__ = [
    "FLOWS",
    "FOLLOWUP_STEPS",
    "SPECS",
    "SUBSCRIBE_STEPS",
    "is_optional",
    "Answer",
    "Step",
    "StepSpec",
    "dependents",
    "flow_for",
    "option_key",
]


class Step(StrEnum):
    """A question in the interview, named after what it asks."""

    LANGUAGE = "language"
    KIND = "kind"
    RESUME = "resume"
    SAFETY = "safety"
    WHERE = "where"
    WHEN = "when"
    PRESENCE = "presence"
    CHILD_SEX = "child_sex"
    CHILD_AGE = "child_age"
    CHILD_LOOKS = "child_looks"
    NAMES_USED = "names_used"
    NAMES_GIVEN = "names_given"
    CHILD_SAID = "child_said"
    BIRTH_DATE = "birth_date"
    HOME = "home"
    DIALECT = "dialect"
    DIALECT_DIFFERS = "dialect_differs"
    SIGNS = "signs"
    ADULTS = "adults"
    DETAILS = "details"
    MEDIA = "media"
    CONTACT = "contact"
    PHONE = "phone"
    REVIEW = "review"
    EDIT = "edit"
    DELETE = "delete"
    FOLLOWUP_REF = "followup_ref"
    FOLLOWUP_PIN = "followup_pin"
    FOLLOWUP_MENU = "followup_menu"
    FOLLOWUP_MESSAGE = "followup_message"
    SUBSCRIBE_WHERE = "subscribe_where"
    SUBSCRIBE_RADIUS = "subscribe_radius"


class Answer(StrEnum):
    """How a question is answered."""

    CHOICE = "choice"  # one of the choices, by button, its key (number or letter) or words
    MOMENT = "moment"  # a quick choice ("yesterday") or a typed date or time, never future
    DIALECT = "dialect"  # a dialect group, or words naming a dialect or a place
    TEXT = "text"
    NAMES = "names"  # free text split into several names
    AGE = "age"
    BIRTH = "birth"  # a date or just a year, never in the future
    PLACE = "place"  # free text or a location pin
    MULTI = "multi"  # tick several, then Done; free text is kept as a note
    MEDIA = "media"  # attachments, then Done
    PHONE = "phone"  # typed number or a shared contact


@dataclass(frozen=True)
class StepSpec:
    """What one question accepts, and where it stands in the interview."""

    answer: Answer
    choices: tuple[str, ...] = ()  # LANGUAGE's and EDIT's are built (prompts.choice_values)
    optional: bool = False
    optional_for: frozenset[ReportKind] = frozenset()  # optional in these kinds only
    max_length: int | None = None
    # A typed number is the answer itself (an age, a year, a date, a phone number), so on
    # channels without buttons the options go by letter: "1" can only mean 1.
    number_is_answer: bool = False
    # Asked only when another step was answered so (PHONE after CONTACT "phone"); changing
    # that answer drops this one, and after an edit of that step we continue into this one.
    only_if: tuple[Step, str] | None = None
    editable: bool = True  # offered among the parts to change from the review
    pin: bool = False  # a location pin is offered as an answer
    media_kept: bool = True  # a photo sent at this question is kept on the draft


SIGNS = (
    "wants_home",
    "afraid",
    "no_school",
    "begging_working",
    "injuries",
    "story_mismatch",
    "lost_place",
    "arrived_recently",
)
RADII = ("10", "50", "100", "300")  # km around a shared location, for alerts
DIALECTS = DIALECT_GROUPS  # the choices are the dialect table's groups, in its order

# Every step, one row each: adding a question is a row here and a place in FLOWS below.
SPECS: dict[Step, StepSpec] = {
    # Before there is a language, a photo has no report to go on.
    Step.LANGUAGE: StepSpec(Answer.CHOICE, media_kept=False),
    Step.KIND: StepSpec(Answer.CHOICE, tuple(k.value for k in ReportKind)),
    Step.RESUME: StepSpec(Answer.CHOICE, ("resume", "start_over")),
    Step.SAFETY: StepSpec(Answer.CHOICE, ("continue",), editable=False),
    Step.WHERE: StepSpec(Answer.PLACE, max_length=500, pin=True),
    Step.WHEN: StepSpec(
        Answer.MOMENT, ("now", "today", "yesterday", "this_week"), number_is_answer=True
    ),
    Step.PRESENCE: StepSpec(Answer.CHOICE, ("there_now", "lives_nearby", "seen_once", "not_sure")),
    Step.CHILD_SEX: StepSpec(Answer.CHOICE, ("boy", "girl", "not_sure")),
    Step.CHILD_AGE: StepSpec(Answer.AGE, ("not_sure",), number_is_answer=True),
    Step.CHILD_LOOKS: StepSpec(Answer.TEXT, optional=True),
    Step.NAMES_USED: StepSpec(Answer.NAMES, optional=True, max_length=300),
    Step.NAMES_GIVEN: StepSpec(Answer.NAMES, optional=True, max_length=300),
    Step.CHILD_SAID: StepSpec(Answer.TEXT, optional=True),
    Step.BIRTH_DATE: StepSpec(Answer.BIRTH, ("not_sure",), max_length=40, number_is_answer=True),
    Step.HOME: StepSpec(Answer.PLACE, optional=True, max_length=300),
    Step.DIALECT: StepSpec(Answer.DIALECT, DIALECTS, max_length=300),
    Step.DIALECT_DIFFERS: StepSpec(Answer.CHOICE, ("yes", "no", "not_sure")),
    Step.SIGNS: StepSpec(Answer.MULTI, (*SIGNS, "done")),
    Step.ADULTS: StepSpec(Answer.TEXT, optional=True),
    # The heart of "other information"; an extra for a family that has already answered
    # the registry's questions.
    Step.DETAILS: StepSpec(
        Answer.TEXT,
        optional_for=frozenset({ReportKind.MISSING_CHILD, ReportKind.SEARCHING_FAMILY}),
    ),
    Step.MEDIA: StepSpec(Answer.MEDIA, ("done",), optional=True),
    Step.CONTACT: StepSpec(Answer.CHOICE, ("anonymous", "phone")),
    Step.PHONE: StepSpec(
        Answer.PHONE,
        max_length=40,
        number_is_answer=True,
        only_if=(Step.CONTACT, "phone"),
        editable=False,  # changed by changing CONTACT
    ),
    Step.REVIEW: StepSpec(Answer.CHOICE, ("submit", "change", "cancel"), editable=False),
    Step.EDIT: StepSpec(Answer.CHOICE),
    Step.DELETE: StepSpec(Answer.CHOICE, ("delete", "keep")),
    Step.FOLLOWUP_REF: StepSpec(Answer.TEXT, max_length=20),
    Step.FOLLOWUP_PIN: StepSpec(Answer.TEXT, max_length=12),
    Step.FOLLOWUP_MENU: StepSpec(Answer.CHOICE, ("add_info", "status", "done")),
    Step.FOLLOWUP_MESSAGE: StepSpec(Answer.TEXT),
    # Subscribing to alerts (/subscribe): a shared location, or provinces and cities typed.
    Step.SUBSCRIBE_WHERE: StepSpec(
        Answer.PLACE, max_length=300, pin=True, editable=False, media_kept=False
    ),
    Step.SUBSCRIBE_RADIUS: StepSpec(
        Answer.CHOICE, RADII, editable=False, media_kept=False, number_is_answer=True
    ),
}
FOLLOWUP_STEPS = frozenset(
    {Step.FOLLOWUP_REF, Step.FOLLOWUP_PIN, Step.FOLLOWUP_MENU, Step.FOLLOWUP_MESSAGE}
)
SUBSCRIBE_STEPS = frozenset({Step.SUBSCRIBE_WHERE, Step.SUBSCRIBE_RADIUS})

_TAIL = (Step.MEDIA, Step.CONTACT, Step.PHONE, Step.REVIEW)
_SIGHTING = (
    Step.SAFETY,
    Step.WHERE,
    Step.WHEN,
    Step.PRESENCE,
    Step.CHILD_SEX,
    Step.CHILD_AGE,
    Step.CHILD_LOOKS,
    Step.NAMES_USED,
    Step.NAMES_GIVEN,
    Step.CHILD_SAID,
    Step.DIALECT,
    Step.DIALECT_DIFFERS,
    Step.SIGNS,
    Step.ADULTS,
    *_TAIL,
)
# A family's missing child, and a person searching for their own family, ask what the
# registry and the matcher need; prompts are worded per kind (``ask.where.missing_child``).
_REGISTRY = (
    Step.SAFETY,
    Step.NAMES_USED,
    Step.CHILD_SEX,
    Step.BIRTH_DATE,
    Step.WHEN,
    Step.WHERE,
    Step.HOME,
    Step.DIALECT,
    Step.CHILD_LOOKS,
    Step.DETAILS,
    *_TAIL,
)
_SHORT = (Step.SAFETY, Step.WHERE, Step.WHEN, Step.DETAILS, *_TAIL)

FLOWS: dict[ReportKind, tuple[Step, ...]] = {
    ReportKind.SIGHTING: _SIGHTING,
    ReportKind.MISSING_CHILD: _REGISTRY,
    ReportKind.SEARCHING_FAMILY: _REGISTRY,
    ReportKind.OTHER: _SHORT,
}


def is_optional(step: str, kind: str | None) -> bool:
    """Whether a question may be skipped in a report of this kind."""
    spec = SPECS[Step(step)]
    return spec.optional or kind in spec.optional_for


def option_key(step: str, index: int) -> str:
    """What a tipster types to choose option `index` (from 0) where there are no buttons:
    its number, or its letter where a typed number is an answer."""
    return chr(ord("A") + index) if SPECS[Step(step)].number_is_answer else str(index + 1)


def flow_for(kind: str) -> tuple[Step, ...]:
    """The ordered questions for a report kind."""
    return FLOWS[ReportKind(kind)]


def dependents(step: str) -> list[tuple[Step, str]]:
    """The steps asked only after an answer to `step`, with the answer that brings each."""
    return [
        (s, spec.only_if[1])
        for s, spec in SPECS.items()
        if spec.only_if and spec.only_if[0] == step
    ]
