"""Reading tips for coordinators: one report as a plain dict, identity masked by default."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sqlmodel import Session

from handlers.answers import mask_phone
from handlers.times import stamp
from storage import Coordinator, FieldCipher, Report
from storage.attachments import list_attachments
from storage.locations import open_point
from storage.reports import append_event, list_events
from storage.review_reads import matches_of
from triage.errors import WorkflowError
from triage.links import links_as_json
from triage.match_verdicts import match_verdicts
from triage.reach import callback_text, why_not_askable
from triage.urgency_words import urgency_json

__all__ = ["tip_as_dict", "tip_summary"]


def tip_summary(report: Report, *, tz: tzinfo) -> dict[str, Any]:
    """One line of the queue; times in the deployment's zone `tz`, with their offset."""
    return {
        "ref": report.ref,
        "kind": report.kind,
        "status": report.status,
        "created_at": stamp(report.created_at, tz),
        "province": report.province,
        "city": report.city,
        "channel": report.channel,
        "urgency": report.urgency,  # None: not assessed yet
        "imminent": report.imminent if report.urgency is not None else None,
        "top_until": stamp(report.top_until, tz),
    }


def tip_as_dict(
    *,
    session: Session,
    report: Report,
    cipher: FieldCipher,
    tz: tzinfo,
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
    attachments = list_attachments(session=session, report_id=report.id)
    exact = open_point(cipher, report.exact_location)
    return {
        **tip_summary(report, tz=tz),
        "close_reason": report.close_reason,
        "language": report.language,
        "place": {
            "text": report.place_text,
            "province": report.province,
            "city": report.city,
            "latitude": report.latitude,  # the ~1 km cell
            "longitude": report.longitude,
            "exact": {"latitude": exact[0], "longitude": exact[1]} if exact else None,
        },
        "seen": {
            "date": stamp(report.seen_on, tz),
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
        "urgency": urgency_json(report, tz),
        "matches": _matches(session, report, tz),
        "links": links_as_json(session, report.id),
        "alert": {"id": report.alert_id, "case_id": report.alert_case_id}
        if report.alert_id
        else None,
        "attachments": [
            {"type": a.media_type, "stored": a.stored_path is not None} for a in attachments
        ],
        "answers": report.answers,
        "events": [
            {"at": stamp(e.at, tz), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in list_events(session=session, report_id=report.id)
        ],
    }


def _matches(session: Session, report: Report, tz: tzinfo) -> list[dict[str, Any]]:
    """The tip's matches, best first; a decided one (here or on another tip of the same
    child: `through` is that tip) with its verdict, who gave it and when."""
    pairs = matches_of(session=session, report_id=report.id or 0)
    verdicts = match_verdicts(
        session=session, report=report, case_ids={e.id or 0: e.case_id for _, e in pairs}
    )
    matches = []
    for candidate, entry in pairs:
        verdict = verdicts.get(entry.id or 0)
        matches.append(
            {
                "case_id": entry.case_id,
                "score": candidate.score,
                "reasons": candidate.reasons,
                "verdict": {
                    "status": str(verdict.status),
                    "by": verdict.by,
                    "at": stamp(verdict.at, tz),
                    "through": verdict.ref,
                }
                if verdict is not None
                else None,
            }
        )
    return matches
