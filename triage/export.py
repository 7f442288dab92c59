"""Referral packages: a tip as JSON or CSV for the police or a partner, identity left out."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session, select

from storage import Coordinator, FieldCipher, Note, Referral, Report
from storage.relay import relay_thread
from storage.reports import append_event
from triage.errors import WorkflowError
from triage.tips import tip_as_dict

__all__ = ["export_tip", "package_csv", "package_json"]

_IDENTITY_FREE = ("events", "answers")


def export_tip(
    *,
    session: Session,
    report: Report,
    coordinator: Coordinator,
    cipher: FieldCipher,
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
        revealed_to=coordinator if include_identity else None,
        reason=reason,
    )
    package = {k: v for k, v in data.items() if k not in _IDENTITY_FREE}
    if not include_identity:
        package["contact"] = {"anonymous": data["contact"]["anonymous"], "phone": None}
        package["callback"] = None  # how to reach the caller is part of who they are
    package["referrals"] = [
        {"kind": r.kind, "to": r.to_whom, "reference": r.reference, "at": r.created_at.isoformat()}
        for r in session.exec(select(Referral).where(Referral.report_id == report.id))
    ]
    package["tipster_messages"] = [
        {"direction": m.direction, "body": m.body, "at": m.created_at.isoformat()}
        for m in relay_thread(session=session, report_id=report.id or 0)
    ]
    package["notes_count"] = len(
        session.exec(select(Note.id).where(Note.report_id == report.id)).all()
    )
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


def package_csv(package: dict[str, Any]) -> str:
    """The package as a two-column CSV (field, value) that opens in any spreadsheet."""
    flat: dict[str, str] = {}
    _flatten("", package, flat)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["field", "value"])
    writer.writerows(flat.items())
    return buffer.getvalue()
