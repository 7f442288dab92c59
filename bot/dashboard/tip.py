"""One tip, laid out for reading: fields, answers verbatim, attachments, map, timeline, actions."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call
from bot.dashboard.maps import MapPin, location_map
from bot.dashboard.review_sections import review_sections
from bot.dashboard.sessions import Viewer
from handlers.transcript import transcript
from storage import Coordinator, Report, ReportStatus
from storage.attachments import list_attachments
from storage.blocks import block_in_force
from storage.claims import claim_holder_id
from storage.coordinators import list_coordinators
from storage.relay import relay_thread
from storage.reports import get_report
from storage.workflow import list_notes, list_referrals
from triage.outcomes import tip_outcome
from triage.reach import MAX_CALLBACK, why_not_askable
from triage.tips import tip_as_dict
from triage.workflow import CLOSE_REASONS, TRANSITIONS

__all__ = ["load_tip", "not_found", "reveal_contact", "tip_page"]

IMAGE_TYPES = ("photo",)  # shown as thumbnails; anything else is a download link


def load_tip(
    dash: Dashboard, ref: str, viewer: Viewer, *, reveal_reason: str | None = None
) -> dict[str, Any] | None:
    """Everything the tip page shows; revealing the contact is recorded by the service layer."""
    now = dash.now()
    with dash.db() as session:
        report = get_report(session=session, ref=ref)
        if report is None or report.id is None:
            return None
        tip = tip_as_dict(
            session=session,
            report=report,
            cipher=dash.svc.cipher,
            tz=dash.timezone,
            revealed_to=None if reveal_reason is None else session.get(Coordinator, viewer.id),
            reason=reveal_reason,
        )
        coordinators = list_coordinators(session=session)
        names = {c.id: c.name for c in coordinators}
        holder = claim_holder_id(report, now)
        return {
            "report": report,
            "tip": tip,
            "revealed": reveal_reason is not None,
            "attachments": list_attachments(session=session, report_id=report.id),
            "notes": [
                (n, names.get(n.coordinator_id))
                for n in list_notes(session=session, report_id=report.id)
            ],
            "referrals": list_referrals(session=session, report_id=report.id),
            "outcome": tip_outcome(session=session, report=report),
            "today": now.astimezone(dash.timezone).date().isoformat(),  # the outcome's default
            "thread": [
                (m, names.get(m.coordinator_id))
                for m in relay_thread(session=session, report_id=report.id)
            ],
            "claimed_by": names.get(holder) if holder else None,
            "mine": holder == viewer.id,
            "others": [c.name for c in coordinators if c.active and c.id != holder],
            "next_statuses": [
                s.value for s in ReportStatus if s in TRANSITIONS.get(report.status, ())
            ],
            "close_reasons": CLOSE_REASONS,
            "ask_refusal": why_not_askable(report),  # said before anyone types a question
            "max_callback": MAX_CALLBACK,
            "map": _map(tip["place"]),
            "image_types": IMAGE_TYPES,
            "blockable": report.tipster_key is not None,
            "block": (
                block_in_force(session=session, tipster_key=report.tipster_key)
                if report.tipster_key
                else None
            ),
            **review_sections(session, report, now=now, tz=dash.timezone),
        }


def _map(place: dict[str, Any]) -> MapPin | None:
    """The pin at the exact point shared (coordinators see it), else at the cell."""
    point = place["exact"] or place
    return location_map(point["latitude"], point["longitude"])


def not_found(call: Call) -> Response:
    """The 404 page for a reference code that isn't there."""
    texts = call.dash.texts(call.request)
    return call.dash.render(call.request, "error.html", status=404, message=texts("error.no_tip"))


def render_tip(call: Call, data: dict[str, Any], *, status: int = 200, **extra: Any) -> Response:
    """The tip page, with the tipster's answers as asked and tapped in the reader's language."""
    report: Report = data["report"]
    answered = transcript(
        report.answers or {},
        kind=report.kind,
        language=call.dash.texts(call.request).language,
        emergency=call.dash.svc.settings.emergency_number,
    )
    return call.dash.render(
        call.request, "tip.html", status=status, answered=answered, **data, **extra
    )


async def tip_page(call: Call) -> Response:
    """The tip page."""
    data = await run_in_threadpool(load_tip, call.dash, call.param("ref"), call.viewer)
    if data is None:
        return not_found(call)
    return render_tip(call, data)


async def reveal_contact(call: Call) -> Response:
    """The tip page with the tipster's phone number shown; needs a reason, which is recorded."""
    reason = call.field("reason")[:200]
    if not reason:
        texts = call.dash.texts(call.request)
        data = await run_in_threadpool(load_tip, call.dash, call.param("ref"), call.viewer)
        if data is None:
            return not_found(call)
        return render_tip(call, data, status=400, reveal_error=texts("reveal.need_reason"))
    data = await run_in_threadpool(
        load_tip, call.dash, call.param("ref"), call.viewer, reveal_reason=reason
    )
    if data is None:
        return not_found(call)
    return render_tip(call, data)
