"""Deciding what the matcher proposed, from the dashboard, and the case view of one child.

Verdicts go through `triage.decisions` (recorded under the coordinator's name, fed to match
calibration; on a tip someone else holds only a lead decides, recorded as overruling).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard.actions import _back, _NoTip, _refused, _run
from bot.dashboard.case_outcome import case_extras
from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call, Handler
from bot.dashboard.maps import fitted_frame, location_map
from bot.dashboard.tip import not_found
from handlers.catalogue import catalogue
from storage import Coordinator, Report, Role
from storage.reports import get_report
from triage.case_view import load_case, when_of, where_seen
from triage.decisions import decide_link, decide_match
from triage.errors import WorkflowError

__all__ = ["ROUTES"]

VERDICTS = {"confirm": True, "dismiss": False}
# A verdict on the tip: (session, tip, coordinator, confirm=…, now=…) -> the decided row.
Decide = Callable[..., object]


async def _decide(call: Call, decide: Decide, what: str) -> Response:
    """Record a verdict on the tip in the address, then back to the tip with what was done."""
    confirm = VERDICTS.get(call.field("verdict"))
    language = call.dash.texts(call.request).language
    if confirm is None:
        return _back(call, "error", catalogue().text(language, "review.bad_verdict"))
    now = call.dash.now()
    try:
        await run_in_threadpool(
            _run, call, lambda s, r, c: decide(s, r, c, confirm=confirm, now=now)
        )
    except _NoTip:
        return not_found(call)
    except WorkflowError as refused:
        return _refused(call, refused)
    done = f"review.done.{what}_{'confirmed' if confirm else 'dismissed'}"
    return _back(call, "ok", catalogue().text(language, done))


async def match_verdict(call: Call) -> Response:
    """Confirm or dismiss a proposed registry match of the tip."""
    case_id = call.field("case_id")[:64]

    def decide(s: Session, r: Report, c: Coordinator, **verdict: Any) -> object:
        return decide_match(session=s, report=r, case_id=case_id, coordinator=c, **verdict)

    return await _decide(call, decide, "match")


async def link_verdict(call: Call) -> Response:
    """Confirm or dismiss that another tip is about the same child."""
    other_ref = call.field("other")[:32]

    def decide(s: Session, r: Report, c: Coordinator, **verdict: Any) -> object:
        other = get_report(session=s, ref=other_ref)
        if other is None or other.id is None:
            raise WorkflowError("workflow.not_proposed_same_child", ref=r.ref, other=other_ref)
        return decide_link(session=s, report=r, other=other, coordinator=c, **verdict)

    return await _decide(call, decide, "link")


def _load_case(dash: Dashboard, ref: str) -> dict[str, Any] | None:
    """The case of the child a tip is about: tips in time order with their pins, facts, entry."""
    with dash.db() as session:
        report = get_report(session=session, ref=ref)
        if report is None or report.id is None:
            return None
        case = load_case(session=session, report=report)
        seen_at = [(n, tip, where_seen(tip, dash.svc.cipher)) for n, tip in enumerate(case.tips, 1)]
        frame = fitted_frame([(seen[0], seen[1]) for _, _, seen in seen_at if seen is not None])
        pins = []
        for number, tip, seen in seen_at:
            pin = location_map(seen[0], seen[1], frame) if seen else None
            if seen is not None and pin is not None:
                pins.append((number, tip, pin, seen[2]))
        return {
            "report": report,
            "case": case,
            "seen": [(tip, when_of(tip)) for tip in case.tips],
            "pins": pins,
            "frame": frame if pins else None,
            "today": dash.now().astimezone(dash.timezone).date().isoformat(),
            **case_extras(session, case),
        }


async def case_page(call: Call) -> Response:
    """Every tip about one child (a confirmed same-child group), as one case."""
    data = await run_in_threadpool(_load_case, call.dash, call.param("ref"))
    if data is None:
        return not_found(call)
    return call.dash.render(call.request, "case.html", **data)


C = Role.COORDINATOR
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("POST", "/tips/{ref}/match", match_verdict, C),
    ("POST", "/tips/{ref}/link", link_verdict, C),
    ("GET", "/cases/{ref}", case_page, C),
]
