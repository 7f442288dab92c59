"""The overview: tips per day and per status, median time to first review, tips by province."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard.charts import horizontal_bars, stacked_columns
from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call
from bot.dashboard.outcome_stats import outcome_overview
from storage import ReportStatus
from storage.reports import first_review_delays, report_facts

__all__ = ["overview_page"]

PERIODS = (7, 30, 90)
TOP_PROVINCES = 15
STATUSES = [s.value for s in ReportStatus]


def _load(dash: Dashboard, days: int) -> dict[str, Any]:
    today = dash.now().astimezone(dash.timezone).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, time(), tzinfo=dash.timezone)
    with dash.db() as session:
        facts = report_facts(session=session, since=since)
        delays = first_review_delays(session=session, since=since)
        outcomes = outcome_overview(session=session, now=dash.now(), tz=dash.timezone)
    per_day: dict[date, Counter[str]] = {first_day + timedelta(d): Counter() for d in range(days)}
    for received, status, _ in facts:
        per_day.setdefault(received.astimezone(dash.timezone).date(), Counter())[status] += 1
    per_status = Counter(status for _, status, _ in facts)
    provinces = Counter(province or "?" for _, _, province in facts).most_common(TOP_PROVINCES)
    columns = [(day.strftime("%m-%d"), dict(counts)) for day, counts in sorted(per_day.items())]
    return {
        "days": days,
        "periods": PERIODS,
        "total": len(facts),
        "statuses": STATUSES,
        "per_day": columns,
        "per_day_chart": stacked_columns(columns, STATUSES),
        "per_status": [(s, per_status.get(s, 0)) for s in STATUSES],
        "per_status_chart": horizontal_bars([(s, per_status.get(s, 0)) for s in STATUSES]),
        "provinces": provinces,
        "provinces_chart": horizontal_bars(provinces),
        "reviewed": len(delays),
        "median_review": _duration(statistics.median(delays)) if delays else None,
        **outcomes,
    }


def _duration(seconds: float) -> tuple[int, int]:
    """(hours, minutes), rounded to the minute."""
    minutes = round(seconds / 60)
    return minutes // 60, minutes % 60


async def overview_page(call: Call) -> Response:
    """The overview page for the last 7, 30 or 90 days."""
    asked = call.request.query_params.get("days", "30")
    days = int(asked) if asked.isdecimal() and int(asked) in PERIODS else 30
    data = await run_in_threadpool(_load, call.dash, days)
    return call.dash.render(call.request, "overview.html", **data)
