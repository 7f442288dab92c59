"""Reading tips for coordinators: one report as a plain dict, identity masked by default."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage import Attachment, Coordinator, FieldCipher, Report
from storage.reports import append_event, list_events
from triage.errors import WorkflowError
from triage.matching_jobs import candidates_of
from triage.reach import callback_text, mask_phone, why_not_askable

__all__ = ["mask_phone", "tip_as_dict", "tip_summary"]


def tip_summary(report: Report) -> dict[str, Any]:
    """One line of the queue."""
    return {
        "ref": report.ref,
        "kind": report.kind,
        "status": report.status,
        "created_at": report.created_at.isoformat(),
        "province": report.province,
        "city": report.city,
        "channel": report.channel,
    }


def tip_as_dict(
    *,
    session: Session,
    report: Report,
    cipher: FieldCipher,
    revealed_to: Coordinator | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Every field of a tip; the contact shown only to a named coordinator with a reason.

    Revealing it is recorded in the event log under that coordinator's name.
    """
    assert report.id is not None
    reveal = revealed_to is not None
    if revealed_to is not None and not (reason and reason.strip()):
        raise WorkflowError("workflow.reveal_reason_needed")
    phone = cipher.decrypt(report.contact_phone) if report.contact_phone else None
    callback = callback_text(report, cipher, reveal=reveal)
    unreachable = why_not_askable(report)
    if (phone or callback) and revealed_to is not None:
        append_event(
            session=session,
            report_id=report.id,
            actor=revealed_to.name,
            action="contact_revealed",
            detail={"reason": (reason or "").strip()},
        )
    attachments = session.exec(select(Attachment).where(Attachment.report_id == report.id)).all()
    return {
        **tip_summary(report),
        "language": report.language,
        "place": {
            "text": report.place_text,
            "province": report.province,
            "city": report.city,
            "latitude": report.latitude,
            "longitude": report.longitude,
        },
        "seen": {
            "date": report.seen_on.isoformat() if report.seen_on else None,
            "text": report.seen_text,
        },
        "presence": report.presence,
        "child": {
            "sex": report.child_sex,
            "age_min": report.child_age_min,
            "age_max": report.child_age_max,
            "description": report.child_description,
        },
        "names_used": report.names_used,
        "names_given": report.names_given,
        "child_said": report.child_said,
        "dialect": {
            "group": report.dialect,
            "text": report.dialect_text,
            "differs_from_local": report.dialect_differs,
            "candidate_provinces": report.candidate_provinces,
        },
        "signs": report.signs,
        "signs_text": report.signs_text,
        "adults": report.adults,
        "details": report.details,
        "contact": {
            "anonymous": phone is None,
            "phone": (phone if reveal else mask_phone(phone)) if phone else None,
        },
        "callback": callback,
        "ask": {"possible": unreachable is None, "why_not": unreachable and str(unreachable)},
        "urgency": {
            "score": report.urgency,
            "imminent": report.imminent,
            "reasons": report.urgency_reasons,
        },
        "matches": [
            {"case_id": m["case_id"], "score": m["score"], "reasons": m["reasons"]}
            for m in candidates_of(session, report.id)
        ],
        "attachments": [
            {"type": a.media_type, "stored": a.stored_path is not None} for a in attachments
        ],
        "answers": report.answers,
        "events": [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in list_events(session=session, report_id=report.id)
        ],
    }
