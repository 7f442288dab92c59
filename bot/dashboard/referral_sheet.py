"""The printable referral sheet: a tip's facts for the police or a partner, in Chinese or
English, whatever the reader's own language; opening it is recorded (who, which language).

The tipster's phone shows only when the coordinator gives a reason on the sheet (a POST,
recorded as `contact_revealed` by `triage.tips.tip_as_dict`); otherwise it is masked. The
registry entry confirmed for the tip or its case shows its police case number, status, DNA
status and photos, never the family's contact: that is revealed, with a reason, on the
entry's own page only.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call
from bot.dashboard.i18n import Texts, pick_language
from bot.dashboard.sessions import Viewer, csrf_token
from bot.dashboard.tip import IMAGE_TYPES, not_found
from handlers.transcript import transcript
from storage import Coordinator
from storage.attachments import list_attachments
from storage.registry_log import entry_photos
from storage.reports import append_event, get_report
from storage.review_reads import confirmed_group
from storage.sheet_reads import confirmed_entries
from storage.workflow import list_referrals
from triage.outcomes import tip_outcome
from triage.tips import tip_as_dict

__all__ = ["sheet_page", "sheet_with_contact"]

SHEET_LANGUAGES = {"zh": "zh_CN", "en": "en"}


def _load(
    dash: Dashboard, ref: str, viewer: Viewer, language: str, reason: str | None
) -> dict[str, Any] | None:
    """Everything the sheet shows; opening it (and revealing the contact) is recorded."""
    with dash.db() as session:
        report = get_report(session=session, ref=ref)
        coordinator = session.get(Coordinator, viewer.id)
        if report is None or report.id is None or coordinator is None:
            return None
        tip = tip_as_dict(
            session=session,
            report=report,
            cipher=dash.svc.cipher,
            tz=dash.timezone,
            revealed_to=coordinator if reason else None,
            reason=reason,
        )
        group = [t.id or 0 for t in confirmed_group(session=session, report_id=report.id)]
        append_event(
            session=session,
            report_id=report.id,
            actor=coordinator.name,
            action="referral_sheet_opened",
            detail={"sheet_language": language, "include_identity": reason is not None},
        )
        return {
            "report": report,
            "tip": tip,
            "reason": reason,
            "photos": [
                a
                for a in list_attachments(session=session, report_id=report.id)
                if a.media_type in IMAGE_TYPES
            ],
            "referrals": list_referrals(session=session, report_id=report.id),
            "entries": (entries := confirmed_entries(session=session, report_ids=group)),
            "entry_photos": entry_photos(session=session, entry_ids=[e.id or 0 for e in entries]),
            "outcomes": tip_outcome(session=session, report=report).outcomes,
            "now": dash.now(),
        }


def _language(call: Call, asked: str | None) -> str:
    """The sheet's language: ?lang=zh|en, else the reader's own."""
    if asked in SHEET_LANGUAGES:
        return SHEET_LANGUAGES[asked]
    session_language = call.request.session.get("lang")
    return pick_language(session_language, call.request.headers.get("accept-language"))


def _render(call: Call, data: dict[str, Any], language: str) -> Response:
    """The sheet in its own language (not the session's), standalone: no navigation."""
    texts = Texts(language, call.dash.timezone)
    report = data["report"]
    answered = transcript(
        report.answers or {},
        kind=report.kind,
        language=language,
        emergency=call.dash.svc.settings.emergency_number,
    )
    html = call.dash.templates.get_template("referral_sheet.html").render(
        t=texts,
        base=call.request.scope.get("root_path", ""),
        csrf=csrf_token(call.request.session),
        viewer=call.viewer,
        path=call.request.url.path,
        answered=answered,
        lang_code="zh" if language == "zh_CN" else "en",
        zone=call.dash.svc.settings.homeward_timezone,
        **data,
    )
    return HTMLResponse(html)


async def sheet_page(call: Call) -> Response:
    """The referral sheet, the tipster's contact masked."""
    language = _language(call, call.request.query_params.get("lang"))
    data = await run_in_threadpool(_load, call.dash, call.param("ref"), call.viewer, language, None)
    return not_found(call) if data is None else _render(call, data, language)


async def sheet_with_contact(call: Call) -> Response:
    """The referral sheet with the tipster's contact, for a reason that is recorded."""
    language = _language(call, call.field("lang"))
    reason = call.field("reason")[:200] or None
    data = await run_in_threadpool(
        _load, call.dash, call.param("ref"), call.viewer, language, reason
    )
    return not_found(call) if data is None else _render(call, data, language)
