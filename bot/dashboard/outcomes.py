"""Outcomes in the dashboard: recording one on a tip, and the queue's alarm listing imminent
tips still unclaimed past their limit (the ones escalated to the leads, triage.escalation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard import referral_sheet
from bot.dashboard.actions import _act
from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call, Handler
from storage import Coordinator, Report, Role
from storage.claims import claim_holder_id
from storage.reports import open_queue
from triage.errors import WorkflowError
from triage.outcomes import record_outcome

__all__ = ["KEEPS_IDLE", "ROUTES", "alarm_tips"]

ALARM_SCAN = 2000  # open tips looked at for the alarm, as the queue reads them


def alarm_tips(reports: list[Report], now: datetime) -> list[Report]:
    """Imminent tips escalated to the leads and still unclaimed now."""
    return [
        r
        for r in reports
        if r.imminent and r.escalated_at is not None and claim_holder_id(r, now) is None
    ]


def _alarm(dash: Dashboard) -> dict[str, Any]:
    now = dash.now()
    with dash.db() as session:
        reports = open_queue(session=session, now=now, limit=ALARM_SCAN)
    return {"alarm": alarm_tips(reports, now)}


async def alarm_rows(call: Call) -> Response:
    """The alarm alone, fetched every few seconds by the queue page's script."""
    data = await run_in_threadpool(_alarm, call.dash)
    return call.dash.render(call.request, "_queue_alarm_rows.html", **data)


def _day(call: Call, today: date) -> date:
    """The day the coordinator gave (today in the deployment's zone if none)."""
    given = call.field("on")
    try:
        return date.fromisoformat(given) if given else today
    except ValueError:
        raise WorkflowError("workflow.outcome_day_unreadable") from None


async def record(call: Call) -> Response:
    """Record an outcome on this tip, for the day given, under the coordinator's name."""
    today = call.dash.now().astimezone(call.dash.timezone).date()
    kind, note = call.field("outcome"), call.field("note") or None

    def action(session: Session, report: Report, coordinator: Coordinator) -> None:
        record_outcome(
            session=session,
            report_ids=[report.id or 0],
            coordinator=coordinator,
            kind=kind,
            happened_on=_day(call, today),
            today=today,
            note=note,
        )

    return await _act(call, action, "done.outcome_recorded")


C = Role.COORDINATOR
# Added to the dashboard's table of routes (bot/dashboard/app.py).
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("GET", "/queue/alarm", alarm_rows, C),
    ("POST", "/tips/{ref}/outcome", record, C),
    ("GET", "/tips/{ref}/referral-sheet", referral_sheet.sheet_page, C),
    ("POST", "/tips/{ref}/referral-sheet", referral_sheet.sheet_with_contact, C),
]
KEEPS_IDLE = {alarm_rows}
