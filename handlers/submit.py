"""Turning a submitted draft into a report row for coordinators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.alert_reply import ALERT_KEY
from handlers.interview import Submission
from handlers.steps import Step
from storage import Attachment, Report

__all__ = ["build_report"]


def _get(draft: dict[str, Any], step: str, key: str) -> Any:
    value = draft.get(step)
    return value.get(key) if isinstance(value, dict) else None


def _answers(draft: dict[str, Any]) -> dict[str, Any]:
    """The answers as entered, without the phone number or the encrypted exact point."""
    answers = {k: v for k, v in draft.items() if k not in (Step.PHONE, ALERT_KEY)}
    where = answers.get(Step.WHERE)
    if isinstance(where, dict) and "enc" in where:
        answers[Step.WHERE] = {k: v for k, v in where.items() if k != "enc"}
    return answers


def build_report(
    submission: Submission,
    *,
    ref: str,
    pin_hash: str,
    channel: str,
    tipster_ref: str,
    tipster_key: str,
) -> tuple[Report, list[Attachment]]:
    """A report row and its attachments from a draft; the raw answers are kept as they were."""
    draft = submission.draft
    when = _get(draft, Step.WHEN, "date")
    report = Report(
        ref=ref,
        pin_hash=pin_hash,
        draft_id=submission.draft_id,
        kind=submission.kind,
        language=submission.language,
        channel=channel,
        tipster_ref=tipster_ref,
        tipster_key=tipster_key,
        place_text=_get(draft, Step.WHERE, "text"),
        province=_get(draft, Step.WHERE, "province"),
        city=_get(draft, Step.WHERE, "city"),
        # The cell; a draft begun before points were sealed holds the exact point here,
        # and the sweeper's seal_exact_locations encrypts it.
        latitude=_get(draft, Step.WHERE, "lat"),
        longitude=_get(draft, Step.WHERE, "lon"),
        exact_location=_get(draft, Step.WHERE, "enc"),
        seen_on=datetime.fromisoformat(when) if when else None,
        seen_text=_get(draft, Step.WHEN, "text") or _get(draft, Step.WHEN, "choice"),
        presence=draft.get(Step.PRESENCE),
        child_sex=draft.get(Step.CHILD_SEX),
        child_age_min=_get(draft, Step.CHILD_AGE, "min"),
        child_age_max=_get(draft, Step.CHILD_AGE, "max"),
        child_description=draft.get(Step.CHILD_LOOKS),
        names_used=draft.get(Step.NAMES_USED) or [],
        names_given=draft.get(Step.NAMES_GIVEN) or [],
        child_said=draft.get(Step.CHILD_SAID),
        birth_date=date.fromisoformat(born)
        if (born := _get(draft, Step.BIRTH_DATE, "date"))
        else None,
        birth_year_only=bool(_get(draft, Step.BIRTH_DATE, "year_only")),
        home_text=_get(draft, Step.HOME, "text"),
        home_province=_get(draft, Step.HOME, "province"),
        dialect=_get(draft, Step.DIALECT, "group"),
        dialect_text=_get(draft, Step.DIALECT, "text"),
        dialect_differs=draft.get(Step.DIALECT_DIFFERS),
        candidate_provinces=_get(draft, Step.DIALECT, "provinces") or [],
        signs=_get(draft, Step.SIGNS, "selected") or [],
        signs_text=_get(draft, Step.SIGNS, "text"),
        adults=draft.get(Step.ADULTS),
        details=draft.get(Step.DETAILS),
        contact_phone=_get(draft, Step.PHONE, "enc")
        if draft.get(Step.CONTACT) == "phone"
        else None,
        answers=_answers(draft),
        alert_id=_get(draft, ALERT_KEY, "id"),
        alert_case_id=_get(draft, ALERT_KEY, "case_id"),
    )
    attachments = [
        Attachment(channel=channel, media_type=m["type"], channel_ref=m["ref"])
        for m in draft.get(Step.MEDIA) or []
    ]
    return report, attachments
