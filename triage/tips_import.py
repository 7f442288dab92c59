"""`homeward tips import FILE.jsonl`: tips taken outside the bot, in the shape `tips show` prints."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import phonenumbers
from sqlmodel import Session

from storage import NO_PIN, Channel, FieldCipher, Report, ReportKind, ReportStatus
from storage.locations import cell, point_text
from storage.reports import get_report, new_ref, normalise_ref, save_report
from triage.registry import ImportFailed, Progress, RowError

__all__ = ["import_tips_jsonl"]

_PARTS = ("place", "seen", "child", "dialect", "contact")
_WHOLE_NUMBERS = (("child", "age_min"), ("child", "age_max"))


def _ref(data: dict[str, Any]) -> str:
    typed = data.get("ref")
    if not typed:
        return new_ref()
    ref = normalise_ref(str(typed))
    if ref is None:
        raise ValueError(f"ref {typed!r} is not a reference code like HW-7K3P-Q9")
    return ref


def _seen_on(seen: dict[str, Any]) -> datetime | None:
    typed = seen.get("date")
    if not typed:
        return None
    try:
        when = datetime.fromisoformat(str(typed))
    except ValueError:
        raise ValueError(f"seen.date {typed!r} is not an ISO 8601 date and time") from None
    if when.tzinfo is None:  # 10:00 where? A machine-read time carries its offset.
        raise ValueError(
            f"seen.date {typed!r} has no UTC offset: write it as {when.isoformat()}+08:00"
        )
    return when


def _check_shape(data: dict[str, Any]) -> None:
    for part in _PARTS:
        if data.get(part) is not None and not isinstance(data[part], dict):
            raise ValueError(f"{part} must be an object, as `tips show --json` prints it")
    for part, field in _WHOLE_NUMBERS:
        value = (data.get(part) or {}).get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f"{part}.{field} {value!r} is not a whole number")


def _callback(data: dict[str, Any], cipher: FieldCipher) -> str | None:
    typed = data.get("callback")
    if not typed or "*" in str(typed):  # a masked number can't be brought back
        return None
    return cipher.encrypt(" ".join(str(typed).split()))


def _location(place: dict[str, Any], cipher: FieldCipher) -> dict[str, Any]:
    """The cell in the clear and the exact point encrypted (`exact` if given, else the point)."""
    point = place.get("exact") or place
    latitude, longitude = point.get("latitude"), point.get("longitude")
    if latitude is None or longitude is None:
        return {}
    return {
        "latitude": cell(float(latitude)),
        "longitude": cell(float(longitude)),
        "exact_location": cipher.encrypt(point_text(float(latitude), float(longitude))),
    }


def _report(data: dict[str, Any], cipher: FieldCipher) -> Report:
    _check_shape(data)
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
        ref=_ref(data),
        pin_hash=NO_PIN,  # taken outside the bot: nobody holds a PIN for it
        draft_id=str(uuid.uuid4()),
        kind=kind,
        status=status,
        language=data.get("language") or "zh_CN",
        channel=Channel.IMPORT,
        place_text=place.get("text"),
        province=place.get("province") or data.get("province"),
        city=place.get("city") or data.get("city"),
        **_location(place, cipher),
        seen_on=_seen_on(seen),
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
        callback_arrangement=_callback(data, cipher),
    )


def import_tips_jsonl(
    *, session: Session, text: str, cipher: FieldCipher, progress: Progress | None = None
) -> list[Report]:
    """Validate every line, then add each tip not already present (by reference code)."""
    reports, errors = [], []
    lines: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("a line must be one JSON object")
            report = _report(data, cipher)
            if report.ref in lines:
                raise ValueError(f"ref {report.ref} is on line {lines[report.ref]} too")
            lines[report.ref] = line_no
            reports.append(report)
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
