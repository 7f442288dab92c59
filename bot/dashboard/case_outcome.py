"""The case view's outcome: recorded on every tip of a confirmed same-child group at once.

A "found" or "reunited" recorded here also moves the case's confirmed registry entry on
(triage.registry_status, through triage.outcomes.record_outcome). The case page's loader
(bot/dashboard/review.py) adds what `case_extras` reads: the group's outcome, each tip's
own, and the photos of the confirmed registry entries.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bot.dashboard.actions import _NoTip
from bot.dashboard.guard import Call, Handler
from bot.dashboard.outcomes import _day
from bot.dashboard.sessions import flash
from bot.dashboard.tip import not_found
from handlers.catalogue import catalogue
from storage import Coordinator, Role
from storage.registry_log import entry_photos
from storage.reports import get_report
from storage.review_reads import confirmed_group
from triage.case_view import Case, when_of
from triage.errors import WorkflowError
from triage.outcomes import case_outcome, record_outcome

__all__ = ["ROUTES", "case_extras"]


def case_extras(session: Session, case: Case) -> dict[str, Any]:
    """What the case page shows beyond the review's view: outcomes and the entry's photos."""
    entry_ids = [entry.id or 0 for _, entry in case.entries]
    return {
        "case_outcome": case_outcome(session=session, reports=case.tips),
        "entry_photos": entry_photos(session=session, entry_ids=entry_ids),
    }


def _record(call: Call, kind: str, note: str | None) -> list[int]:
    """Record the outcome on every tip of the group, oldest sighting first; their ids."""
    today = call.dash.now().astimezone(call.dash.timezone).date()
    with call.dash.db() as session:
        report = get_report(session=session, ref=call.param("ref"))
        coordinator = session.get(Coordinator, call.viewer.id)
        if report is None or report.id is None or coordinator is None:
            raise _NoTip(call.param("ref"))
        tips = sorted(confirmed_group(session=session, report_id=report.id), key=when_of)
        ids = [t.id or 0 for t in tips]
        record_outcome(
            session=session,
            report_ids=ids,
            coordinator=coordinator,
            kind=kind,
            happened_on=_day(call, today),
            today=today,
            note=note,
        )
    return ids


async def record_for_case(call: Call) -> Response:
    """Record an outcome on each tip of the case, then back to the case with what was done."""
    texts = call.dash.texts(call.request)
    try:
        ids = await run_in_threadpool(
            _record, call, call.field("outcome"), call.field("note") or None
        )
    except _NoTip:
        return not_found(call)
    except WorkflowError as refused:
        flash(
            call.request.session, "error", texts("action.refused", why=refused.text(texts.language))
        )
    else:
        for report_id in ids:
            call.dash.dispatch(report_id)
        done = (
            catalogue().text(texts.language, "case.outcome.done", count=len(ids))
            if len(ids) > 1
            else texts("done.outcome_recorded")
        )
        flash(call.request.session, "ok", done)
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/cases/{quote(call.param('ref'))}", status_code=303)


# Added to the dashboard's table of routes (bot/dashboard/app.py).
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("POST", "/cases/{ref}/outcome", record_for_case, Role.COORDINATOR),
]
