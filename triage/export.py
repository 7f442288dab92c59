"""Referral packages: a tip as JSON or CSV for the police or a partner, identity left out.

The CSV is opened by a coordinator in Excel or WPS, so nothing in it may run: a cell that a
spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a carriage return)
is written with a leading single quote, as OWASP advises. The quote also keeps a phone
number such as +8613800138000 text, never a formula nor a number.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import tzinfo
from typing import Any

from sqlmodel import Session

from handlers.times import stamp
from storage import Coordinator, FieldCipher, Report
from storage.relay import relay_thread
from storage.reports import append_event
from storage.workflow import count_notes, list_referrals
from triage.errors import WorkflowError
from triage.tips import tip_as_dict

__all__ = ["export_tip", "package_csv", "package_json", "spreadsheet_safe"]

_IDENTITY_FREE = ("events", "answers")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_tip(
    *,
    session: Session,
    report: Report,
    coordinator: Coordinator,
    cipher: FieldCipher,
    tz: tzinfo,
    include_identity: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:
    """The referral package of one tip; including the tipster's contact needs a reason."""
    if include_identity and not (reason and reason.strip()):
        raise WorkflowError("workflow.export_reason_needed")
    data = tip_as_dict(
        session=session,
        report=report,
        cipher=cipher,
        tz=tz,
        revealed_to=coordinator if include_identity else None,
        reason=reason,
    )
    package = {k: v for k, v in data.items() if k not in _IDENTITY_FREE}
    if not include_identity:  # the exact point is often where the tipster stood
        package["contact"] = {"anonymous": data["contact"]["anonymous"], "phone": None}
        package["place"] = {**data["place"], "exact": None}
        package["callback"] = None  # how to reach the caller is part of who they are
    package["referrals"] = [
        {"kind": r.kind, "to": r.to_whom, "reference": r.reference, "at": stamp(r.created_at, tz)}
        for r in list_referrals(session=session, report_id=report.id or 0)
    ]
    package["tipster_messages"] = [
        {
            "direction": m.direction,
            "body": m.body,
            "at": stamp(m.created_at, tz),
            "sent_while_blocked": m.blocked,
        }
        for m in relay_thread(session=session, report_id=report.id or 0)
    ]
    package["notes_count"] = count_notes(session=session, report_id=report.id or 0)
    append_event(
        session=session,
        report_id=report.id or 0,
        actor=coordinator.name,
        action="exported",
        detail={"include_identity": include_identity, "reason": reason},
    )
    return package


def package_json(package: dict[str, Any]) -> str:
    """The package as readable JSON (UTF-8, not escaped)."""
    return json.dumps(package, ensure_ascii=False, indent=2)


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list):
        out[prefix] = (
            json.dumps(value, ensure_ascii=False)
            if value and isinstance(value[0], dict)
            else "; ".join(map(str, value))
        )
    else:
        out[prefix] = "" if value is None else str(value)


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is: a would-be formula gets a leading quote."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def package_csv(package: dict[str, Any]) -> str:
    """The package as a two-column CSV (field, value) that opens in any spreadsheet."""
    flat: dict[str, str] = {}
    _flatten("", package, flat)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["field", "value"])
    writer.writerows((spreadsheet_safe(k), spreadsheet_safe(v)) for k, v in flat.items())
    return buffer.getvalue()
