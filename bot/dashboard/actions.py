"""The workflow's actions on one tip, each a form POST that calls triage.workflow and returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bot.dashboard.guard import Call
from bot.dashboard.sessions import flash
from bot.dashboard.tip import not_found
from storage import Coordinator, Report
from storage.coordinators import find_coordinator
from storage.reports import get_report
from triage import workflow
from triage.blocks import block_tipster, unblock_tipster
from triage.export import export_tip, package_json
from triage.export_readable import readable_csv
from triage.reach import MAX_CALLBACK, record_callback
from triage.workflow import WorkflowError

__all__ = [
    "ask",
    "block",
    "callback",
    "claim",
    "export",
    "note",
    "reassign",
    "refer",
    "release",
    "status",
    "unblock",
]

Action = Callable[[Session, Report, Coordinator], Any]


class _NoTip(LookupError):
    """The reference code in the address is not a tip."""


def _run(call: Call, action: Action) -> Any:
    """Do an action in one transaction (rolled back if the workflow refuses), then queue work."""
    with call.dash.db() as session:
        report = get_report(session=session, ref=call.param("ref"))
        coordinator = session.get(Coordinator, call.viewer.id)
        if report is None or report.id is None or coordinator is None:
            raise _NoTip(call.param("ref"))
        result = action(session, report, coordinator)
        report_id = report.id
    call.dash.dispatch(report_id)
    return result


def _back(call: Call, kind: str, text: str) -> Response:
    """Return to the tip page with a message."""
    flash(call.request.session, kind, text)
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/tips/{quote(call.param('ref'))}", status_code=303)


def _refused(call: Call, refused: WorkflowError) -> Response:
    """Back to the tip, saying why the workflow refused, in the coordinator's language."""
    texts = call.dash.texts(call.request)
    return _back(call, "error", texts("action.refused", why=refused.text(texts.language)))


async def _act(call: Call, action: Action, done: str) -> Response:
    """Run an action and go back to the tip with a message saying what happened."""
    try:
        await run_in_threadpool(_run, call, action)
    except _NoTip:
        return not_found(call)
    except WorkflowError as refused:
        return _refused(call, refused)
    return _back(call, "ok", call.dash.texts(call.request)(done))


async def claim(call: Call) -> Response:
    """Claim the tip."""
    now = call.dash.now()
    return await _act(
        call,
        lambda s, r, c: workflow.claim_tip(session=s, report=r, coordinator=c, now=now),
        "done.claimed",
    )


async def release(call: Call) -> Response:
    """Give the tip back to the queue."""
    now = call.dash.now()
    return await _act(
        call,
        lambda s, r, c: workflow.release_tip(session=s, report=r, coordinator=c, now=now),
        "done.released",
    )


async def reassign(call: Call) -> Response:
    """A lead hands the tip to another coordinator."""
    now, name = call.dash.now(), call.field("to")

    def action(s: Session, r: Report, c: Coordinator) -> None:
        to = find_coordinator(session=s, name=name)
        if to is None:
            raise WorkflowError("workflow.not_a_coordinator", name=name or "?")
        workflow.reassign_tip(session=s, report=r, lead=c, to=to, now=now)

    return await _act(call, action, "done.reassigned")


async def status(call: Call) -> Response:
    """Move the tip to another status (closing needs a reason)."""
    now, to = call.dash.now(), call.field("to")
    reason, close_reason = call.field("reason")[:500] or None, call.field("close_reason") or None
    return await _act(
        call,
        lambda s, r, c: workflow.change_status(
            session=s,
            report=r,
            coordinator=c,
            to=to,
            now=now,
            reason=reason,
            close_reason=close_reason if to == "closed" else None,
        ),
        "done.status",
    )


async def note(call: Call) -> Response:
    """Add an internal note."""
    body = call.field("body")[:5000]
    return await _act(
        call,
        lambda s, r, c: workflow.add_note(session=s, report=r, coordinator=c, body=body),
        "done.note",
    )


async def ask(call: Call) -> Response:
    """Ask the tipster a question through their own channel."""
    now, question = call.dash.now(), call.field("question")[:1000]
    return await _act(
        call,
        lambda s, r, c: workflow.ask_tipster(
            session=s, report=r, coordinator=c, question=question, now=now
        ),
        "done.asked",
    )


async def callback(call: Call) -> Response:
    """Record how a caller agreed to be called back (a tip with no chat to ask through)."""
    text, cipher = call.field("callback")[:MAX_CALLBACK], call.dash.svc.cipher
    return await _act(
        call,
        lambda s, r, c: record_callback(
            session=s, report=r, coordinator=c, text=text, cipher=cipher
        ),
        "done.callback",
    )


async def refer(call: Call) -> Response:
    """Record a referral to the police, a partner NGO or a DNA-sampling referral."""
    now, kind = call.dash.now(), call.field("kind")
    to_whom, reference = call.field("to_whom")[:200], call.field("reference")[:100] or None
    return await _act(
        call,
        lambda s, r, c: workflow.refer_tip(
            session=s,
            report=r,
            coordinator=c,
            kind=kind,
            to_whom=to_whom,
            reference=reference,
            now=now,
        ),
        "done.referred",
    )


async def block(call: Call) -> Response:
    """A lead blocks the tip's tipster, with a reason."""
    now, reason = call.dash.now(), call.field("reason")[:500]
    return await _act(
        call,
        lambda s, r, c: block_tipster(session=s, report=r, coordinator=c, reason=reason, now=now),
        "done.blocked",
    )


async def unblock(call: Call) -> Response:
    """A lead lifts the block on the tip's tipster."""
    now = call.dash.now()
    return await _act(
        call,
        lambda s, r, c: unblock_tipster(session=s, report=r, coordinator=c, now=now),
        "done.unblocked",
    )


async def export(call: Call) -> Response:
    """Download the referral package (JSON or CSV); identity only with a reason, recorded."""
    fmt = "csv" if call.field("format") == "csv" else "json"
    include = call.field("include_identity") == "1"
    reason = call.field("reason")[:200] or None

    def action(s: Session, r: Report, c: Coordinator) -> dict[str, Any]:
        return export_tip(
            session=s,
            report=r,
            coordinator=c,
            cipher=call.dash.svc.cipher,
            tz=call.dash.timezone,
            include_identity=include,
            reason=reason,
        )

    try:
        package = await run_in_threadpool(_run, call, action)
    except _NoTip:
        return not_found(call)
    except WorkflowError as refused:
        return _refused(call, refused)
    # The byte-order mark makes spreadsheet programs read the CSV's Chinese as UTF-8.
    reader = call.dash.texts(call.request).read  # the CSV is read, in the reader's language
    body = package_json(package) if fmt == "json" else "\ufeff" + readable_csv(package, reader)
    media = "application/json" if fmt == "json" else "text/csv"
    filename = f"{package['ref']}.{fmt}"
    return Response(
        body.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
