"""Signing in (throttled: bot/dashboard/throttle.py) and out, and the language switch."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.dashboard.context import Dashboard
from bot.dashboard.guard import forbidden, safe_next
from bot.dashboard.i18n import LANGUAGES
from bot.dashboard.passwords import hash_password, needs_rehash, verify_password
from bot.dashboard.sessions import csrf_ok, flash, sign_in, sign_out
from bot.dashboard.throttle import assess, keys_for
from storage import LoginOutcome
from storage.coordinators import find_coordinator
from storage.logins import end_sessions, record_login

__all__ = ["language", "login_form", "login_submit", "logout"]

log = logging.getLogger(__name__)


class SignIn(StrEnum):
    """How a sign-in attempt ended, for the page."""

    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt's result, who signed in (0: nobody) and how long to wait to answer."""

    result: SignIn
    pause: float
    uid: int = 0
    generation: int = 0


def attempt(dash: Dashboard, name: str, password: str, address: str) -> Attempt:
    """Check a name and password, throttled and recorded."""
    now, keys = dash.now(), keys_for(dash, name, address)
    logged = f"name {keys.name[5:13]}, address {keys.address[5:13]}"
    with dash.db() as session:
        coordinator = find_coordinator(session=session, name=name)
        cleared_at = coordinator.failures_cleared_at if coordinator else None
        verdict = assess(session, keys, options=dash.options, now=now, cleared_at=cleared_at)
        if verdict.throttled:
            record_login(session=session, keys=keys.all, outcome=LoginOutcome.THROTTLED, now=now)
            log.warning("dashboard sign-in throttled (%s)", logged)
            return Attempt(SignIn.THROTTLED, verdict.pause)
        stored = coordinator.password_hash if coordinator else None
        ok = verify_password(password, stored) and coordinator is not None
        outcome = LoginOutcome.OK if ok else LoginOutcome.REFUSED
        record_login(session=session, keys=keys.all, outcome=outcome, now=now)
        if not ok or coordinator is None or coordinator.id is None or stored is None:
            log.warning("dashboard sign-in refused (%s)", logged)
            return Attempt(SignIn.WRONG, verdict.pause)
        if needs_rehash(stored):
            coordinator.password_hash = stored = hash_password(password)
            session.add(coordinator)
        log.info("dashboard sign-in (coordinator %s)", coordinator.id)
        return Attempt(SignIn.OK, verdict.pause, coordinator.id, coordinator.session_generation)


async def login_form(request: Request, dash: Dashboard) -> Response:
    """The sign-in page."""
    return _page(request, dash, status=200)


def _page(
    request: Request, dash: Dashboard, *, status: int, error: str = "", name: str = ""
) -> Response:
    base = request.scope.get("root_path", "")
    target = safe_next(request.query_params.get("next"), base)
    return dash.render(request, "login.html", status=status, error=error, name=name, next=target)


async def login_submit(request: Request, dash: Dashboard) -> Response:
    """Check the form; on success start a session and go where the coordinator was going."""
    form = await request.form()
    if not csrf_ok(request.session, form.get("csrf")):
        return forbidden(dash, request, "error.csrf")
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    address = request.client.host if request.client else "unknown"
    tried = await run_in_threadpool(attempt, dash, name, password, address)
    if tried.pause:  # whatever the answer, so its speed doesn't give it away
        await dash.options.pause(tried.pause)
    if tried.result is SignIn.THROTTLED:
        return _page(request, dash, status=429, error="login.throttled", name=name)
    if tried.result is SignIn.WRONG:
        return _page(request, dash, status=401, error="login.wrong", name=name)
    sign_in(request.session, uid=tried.uid, generation=tried.generation, now=dash.now())
    base = request.scope.get("root_path", "")
    return RedirectResponse(safe_next(str(form.get("next", "")), base), status_code=303)


def _end_sessions(dash: Dashboard, uid: object, generation: object) -> None:
    if isinstance(uid, int) and isinstance(generation, int):
        with dash.db() as session:
            if end_sessions(session=session, coordinator_id=uid, generation=generation):
                log.info("dashboard sign-out (coordinator %s): every session ended", uid)


async def logout(request: Request, dash: Dashboard) -> Response:
    """End every session of this person, this cookie and its copies on other devices alike
    (a POST with the CSRF token, so no page can sign someone out)."""
    form = await request.form()
    if not csrf_ok(request.session, form.get("csrf")):
        return forbidden(dash, request, "error.csrf")
    await run_in_threadpool(
        _end_sessions, dash, request.session.get("uid"), request.session.get("gen")
    )
    sign_out(request.session)
    flash(request.session, "ok", dash.texts(request)("login.bye"))
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/login?bye=1", status_code=303)


async def language(request: Request, dash: Dashboard) -> Response:
    """Switch the interface language for this session and return to the page."""
    form = await request.form()
    if not csrf_ok(request.session, form.get("csrf")):
        return forbidden(dash, request, "error.csrf")
    chosen = str(form.get("lang", ""))
    if chosen in LANGUAGES:
        request.session["lang"] = chosen
    base = request.scope.get("root_path", "")
    back = str(form.get("back", ""))
    target = back if back == f"{base}/login" else safe_next(back, base)
    return RedirectResponse(target, status_code=303)
