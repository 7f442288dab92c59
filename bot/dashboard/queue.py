"""The queue: open tips in the one queue order (storage.reports.queue_order); filters; search
by code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bot.dashboard.context import Dashboard
from bot.dashboard.filters import OPEN_STATUSES, QueueFilter
from bot.dashboard.guard import Call
from bot.dashboard.outcomes import alarm_tips
from bot.dashboard.sessions import Viewer, flash
from storage import Report, ReportKind, ReportStatus
from storage.attachments import attachment_counts
from storage.claims import claim_holder_id
from storage.coordinators import list_coordinators
from storage.reports import get_report, open_queue, status_counts

__all__ = ["queue_page", "queue_rows", "search"]

QUEUE_LIMIT = 2000  # open tips read per view; filtering happens on these
SHOWN = 300  # rows drawn at most


@dataclass(frozen=True)
class Row:
    """One line of the queue."""

    report: Report
    attachments: int
    claimed_by: str | None


def _load(dash: Dashboard, chosen: QueueFilter, viewer: Viewer) -> dict[str, Any]:
    now = dash.now()
    with dash.db() as session:
        reports = open_queue(session=session, now=now, limit=QUEUE_LIMIT)
        counts = attachment_counts(session=session, report_ids=[r.id or 0 for r in reports])
        names = {c.id: c.name for c in list_coordinators(session=session)}
        per_status = status_counts(session=session)
    rows = []
    for report in reports:
        attached = counts.get(report.id or 0, 0)
        if chosen.matches(
            report, viewer_id=viewer.id, attachments=attached, now=now, zone=dash.timezone
        ):
            holder = claim_holder_id(report, now)
            rows.append(Row(report, attached, names.get(holder) if holder is not None else None))
    return {
        "rows": rows[:SHOWN],
        "total": len(rows),
        "counts": [(s.value, per_status.get(s.value, 0)) for s in ReportStatus],
        "provinces": sorted({r.province for r in reports if r.province}),
        "dialects": sorted({r.dialect for r in reports if r.dialect}),
        "now": now,
        "alarm": alarm_tips(reports, now),
    }


def _context(call: Call) -> dict[str, Any]:
    return {
        "filters": QueueFilter.from_query(call.request.query_params),
        "query": call.request.url.query,
        "statuses": OPEN_STATUSES,
        "kinds": [k.value for k in ReportKind],
        "refresh": call.dash.options.refresh_seconds,
    }


async def queue_page(call: Call) -> Response:
    """The queue page with its filter form."""
    context = _context(call)
    data = await run_in_threadpool(_load, call.dash, context["filters"], call.viewer)
    return call.dash.render(call.request, "queue.html", **context, **data)


async def queue_rows(call: Call) -> Response:
    """Just the counts and rows, fetched every few seconds by the page's script."""
    context = _context(call)
    data = await run_in_threadpool(_load, call.dash, context["filters"], call.viewer)
    return call.dash.render(call.request, "_queue_results.html", **context, **data)


def _find(dash: Dashboard, code: str) -> str | None:
    with dash.db() as session:
        report = get_report(session=session, ref=code)  # as typed: get_report reads it
        return report.ref if report else None


async def search(call: Call) -> Response:
    """Go straight to a tip by its reference code (open or closed)."""
    code = call.request.query_params.get("ref", "").strip()[:20]
    base = call.request.scope.get("root_path", "")
    ref = await run_in_threadpool(_find, call.dash, code)
    if ref is None:
        flash(
            call.request.session, "error", call.dash.texts(call.request)("search.none", code=code)
        )
        return RedirectResponse(f"{base}/", status_code=303)
    return RedirectResponse(f"{base}/tips/{quote(ref)}", status_code=303)
