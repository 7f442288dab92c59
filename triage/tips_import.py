"""`homeward tips import FILE.jsonl`: tips taken outside the bot, in the shape `tips show` prints."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import phonenumbers
from sqlmodel import Session

from storage import NO_PIN, FieldCipher, Report, ReportKind, ReportStatus
from storage.reports import get_report, new_ref, save_report
from triage.registry import ImportFailed, Progress, RowError

__all__ = ["import_tips_jsonl"]


def _report(data: dict[str, Any], cipher: FieldCipher) -> Report:
    kind = data.get("kind")
    if kind not in {k.value for k in ReportKind}:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(k.value for k in ReportKind)}")
    status = data.get("status") or ReportStatus.NEW
    if status not in {s.value for s in ReportStatus}:
        raise ValueError(f"status {status!r} is unknown")
    place, seen, child = data.get("place") or {}, data.get("seen") or {}, data.get("child") or {}
    dialect, contact = data.get("dialect") or {}, data.get("contact") or {}
    phone = contact.get("phone")
    if phone and "*" not in phone:
        number = phonenumbers.parse(phone, None)
        if not phonenumbers.is_valid_number(number):
            raise ValueError(f"contact phone {phone!r} is not a valid number")
    else:
        phone = None  # a masked number can't be brought back
    return Report(
        ref=data.get("ref") or new_ref(),
        pin_hash=NO_PIN,  # taken outside the bot: nobody holds a PIN for it
        draft_id=str(uuid.uuid4()),
        kind=kind,
        status=status,
        language=data.get("language") or "zh_CN",
        channel="import",
        place_text=place.get("text"),
        province=place.get("province") or data.get("province"),
        city=place.get("city") or data.get("city"),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        seen_on=datetime.fromisoformat(seen["date"]) if seen.get("date") else None,
        seen_text=seen.get("text"),
        presence=data.get("presence"),
        child_sex=child.get("sex"),
        child_age_min=child.get("age_min"),
        child_age_max=child.get("age_max"),
        child_description=child.get("description"),
        names_used=list(data.get("names_used") or []),
        names_given=list(data.get("names_given") or []),
        child_said=data.get("child_said"),
        dialect=dialect.get("group"),
        dialect_text=dialect.get("text"),
        dialect_differs=dialect.get("differs_from_local"),
        candidate_provinces=list(dialect.get("candidate_provinces") or []),
        signs=list(data.get("signs") or []),
        signs_text=data.get("signs_text"),
        adults=data.get("adults"),
        details=data.get("details"),
        contact_phone=cipher.encrypt(
            phonenumbers.format_number(
                phonenumbers.parse(phone, None), phonenumbers.PhoneNumberFormat.E164
            )
        )
        if phone
        else None,
        answers=dict(data.get("answers") or {}),
    )


def import_tips_jsonl(
    *, session: Session, text: str, cipher: FieldCipher, progress: Progress | None = None
) -> list[Report]:
    """Validate every line, then add each tip not already present (by reference code)."""
    reports, errors = [], []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("a line must be one JSON object")
            reports.append(_report(data, cipher))
        except (ValueError, KeyError, TypeError, phonenumbers.NumberParseException) as exc:
            errors.append(RowError(line_no, str(exc)))
    if errors:
        raise ImportFailed(errors)
    added = []
    for done, report in enumerate(reports, start=1):
        if get_report(session=session, ref=report.ref) is None:
            save_report(session=session, report=report, actor="import")
            added.append(report)
        if progress is not None:
            progress("storing tips", done, len(reports))
    return added
