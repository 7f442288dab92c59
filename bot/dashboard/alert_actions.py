"""Publishing and closing a case alert from a registry entry's page (leads and admins).

The page previews the alert in both languages and how many subscribers it would reach; the
family's consent must be said, and the photo goes out only if the lead ticks that the consent
covers it. Publishing and closing are recorded in the entry's log (who, and the consent as
why) by `triage.alerts.publishing`; the fan-out is then queued for the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bot.alert_wiring import alert_queue
from bot.dashboard.guard import Call, Handler
from bot.dashboard.registry_view import entry_not_found, registry_render
from bot.dashboard.sessions import flash
from handlers.catalogue import catalogue
from storage import DeliveryKind, Role
from storage.alert_photos import shows_photo
from storage.alert_reads import case_alerts
from storage.alerts import delivery_counts
from storage.coordinators import find_coordinator
from storage.registry_log import registry_photos
from storage.registry_search import get_entry
from triage.alerts import AlertRefused, close_alert, enqueue_fanout, preview_alert, publish_alert

__all__ = ["ROUTES"]

log = logging.getLogger(__name__)


def alert_texts(call: Call) -> Callable[..., str]:
    """The alert pages' words (`alert.dash.*`) in the session's language."""
    language = call.dash.texts(call.request).language
    return lambda key, **params: catalogue().text(language, f"alert.dash.{key}", **params)


def _page_data(call: Call) -> dict[str, Any] | None:
    case_id = call.param("case_id")
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=case_id)
        if entry is None or entry.id is None:
            return None
        alerts = case_alerts(session=session, case_id=entry.case_id)
        preview = preview_alert(
            session=session,
            case_id=entry.case_id,
            now=call.dash.now(),
            tz=call.dash.timezone,
            emergency=call.dash.svc.settings.emergency_number,
        )
        has_photo = bool(registry_photos(session=session, entry_id=entry.id))
        sent = {
            a.id: delivery_counts(session=session, alert_id=a.id or 0, kind=DeliveryKind.ALERT)
            for a in alerts
            if a.closed_at is None
        }
        return {
            "entry": entry,
            "alerts": alerts,
            "preview": preview,
            "has_photo": has_photo,
            "sent": sent,
        }


def _render(call: Call, data: dict[str, Any], *, status: int = 200, **extra: Any) -> Response:
    open_alert = next((a for a in data["alerts"] if a.closed_at is None), None)
    return registry_render(
        call,
        "registry_alert.html",
        status=status,
        a=alert_texts(call),
        open_alert=open_alert,
        photo_goes=open_alert is not None and shows_photo(open_alert),
        **data,
        **extra,
    )


async def alert_page(call: Call) -> Response:
    """The case's alerts: the open one (to close), or the preview and the form to publish."""
    data = await run_in_threadpool(_page_data, call)
    if data is None:
        return entry_not_found(call)
    return _render(call, data)


def _queue(call: Call, alert_id: int, kind: DeliveryKind) -> None:
    try:
        enqueue_fanout(alert_queue(call.dash.svc), alert_id, kind)
    except RedisError:  # the sweeper queues an unfinished fan-out again
        log.warning("alert %s: queue unavailable; the sweeper will queue its fan-out", alert_id)


def _publish(call: Call, consent: str, photo: bool) -> tuple[int, int]:
    with call.dash.db() as session:
        alert, reached = publish_alert(
            session=session,
            case_id=call.param("case_id"),
            coordinator=find_coordinator(session=session, name=call.viewer.name),
            name=call.viewer.name,
            consent=consent,
            photo=photo,
            now=call.dash.now(),
            tz=call.dash.timezone,
        )
        return alert.id or 0, reached


async def publish(call: Call) -> Response:
    """Publish the alert and queue its fan-out; the form again with what was missing."""
    consent = call.field("consent")[:500]
    photo = call.field("photo") == "yes"
    a = alert_texts(call)
    if not consent:
        return await _again(call, a("need_consent"), consent)
    try:
        alert_id, reached = await run_in_threadpool(_publish, call, consent, photo)
    except AlertRefused as refused:
        return await _again(
            call, a("refused", reason=refused.text(call.dash.texts(call.request).language)), consent
        )
    _queue(call, alert_id, DeliveryKind.ALERT)
    flash(call.request.session, "ok", a("published", alert_id=alert_id, count=reached))
    return _to_page(call)


async def _again(call: Call, error: str, consent: str) -> Response:
    data = await run_in_threadpool(_page_data, call)
    if data is None:
        return entry_not_found(call)
    return _render(call, data, status=400, error=error, consent=consent)


def _close(call: Call, alert_id: int, found: bool) -> int:
    with call.dash.db() as session:
        alerts = case_alerts(session=session, case_id=call.param("case_id"))
        if alert_id not in {a.id for a in alerts}:
            raise AlertRefused("workflow.alert_not_this_case", alert_id=alert_id)
        _, reached = close_alert(
            session=session,
            alert_id=alert_id,
            coordinator=find_coordinator(session=session, name=call.viewer.name),
            name=call.viewer.name,
            found=found,
            now=call.dash.now(),
        )
        return reached


async def close(call: Call) -> Response:
    """Close the case's alert; everyone it reached is told once."""
    alert_id = int(call.param("alert_id"))
    a = alert_texts(call)
    try:
        reached = await run_in_threadpool(_close, call, alert_id, call.field("found") == "yes")
    except AlertRefused as refused:
        flash(
            call.request.session,
            "error",
            a("refused", reason=refused.text(call.dash.texts(call.request).language)),
        )
        return _to_page(call)
    _queue(call, alert_id, DeliveryKind.CLOSED)
    flash(call.request.session, "ok", a("closed", alert_id=alert_id, count=reached))
    return _to_page(call)


def _to_page(call: Call) -> Response:
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/registry/{call.param('case_id')}/alert", status_code=303)


L = Role.LEAD
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("GET", "/registry/{case_id}/alert", alert_page, L),
    ("POST", "/registry/{case_id}/alert", publish, L),
    ("POST", "/registry/{case_id}/alert/{alert_id:int}/close", close, L),
]
