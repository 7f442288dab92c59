"""Every dashboard route goes through here: signed in, session fresh, role allowed, CSRF checked."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.dashboard.context import Dashboard
from bot.dashboard.sessions import Viewer, csrf_ok, expired, sign_out, touch
from storage import Coordinator, Role

__all__ = [
    "Call",
    "Endpoint",
    "Handler",
    "forbidden",
    "guarded",
    "login_redirect",
    "safe_next",
]

log = logging.getLogger(__name__)
RANK = {Role.COORDINATOR: 0, Role.LEAD: 1, Role.ADMIN: 2}


@dataclass
class Call:
    """One request to a guarded route, with who made it and the form it posted."""

    dash: Dashboard
    request: Request
    viewer: Viewer
    form: FormData

    def field(self, name: str) -> str:
        """A posted text field, stripped ('' when missing)."""
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def param(self, name: str) -> str:
        """A path parameter."""
        return str(self.request.path_params[name])


Handler = Callable[[Call], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def safe_next(target: str | None, base: str) -> str:
    """A local dashboard path to go to after signing in (anything else goes to the queue)."""
    if target and target.startswith(f"{base}/") and not target.startswith("//"):
        return target
    return f"{base}/"


def login_redirect(request: Request) -> RedirectResponse:
    """Send an anonymous visitor to the sign-in page, remembering where they were going."""
    base = request.scope.get("root_path", "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = here if request.method == "GET" else f"{base}/"
    return RedirectResponse(f"{base}/login?next={quote(target)}", status_code=303)


def forbidden(dash: Dashboard, request: Request, reason_key: str) -> Response:
    """The 403 page."""
    texts = dash.texts(request)
    return dash.render(request, "error.html", status=403, message=texts(reason_key))


def _load_viewer(dash: Dashboard, session: dict[str, Any]) -> Viewer | None:
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    with dash.db() as db:
        coordinator = db.get(Coordinator, uid)
        if coordinator is None or not coordinator.active or coordinator.id is None:
            return None
        if coordinator.session_generation != session.get("gen"):
            return None  # signed out, a new password or role since: every such session ended
        return Viewer(coordinator.id, coordinator.name, coordinator.role)


def guarded(dash: Dashboard, handler: Handler, *, role: Role, keeps_idle: bool = False) -> Endpoint:
    """Wrap a handler so only signed-in coordinators of at least `role` reach it."""

    async def endpoint(request: Request) -> Response:
        session = request.session
        if "uid" in session and expired(
            session, now=dash.now(), idle=dash.options.idle, lifetime=dash.options.lifetime
        ):
            sign_out(session)
        viewer = await run_in_threadpool(_load_viewer, dash, dict(session))
        if viewer is None:
            if "uid" in session:
                sign_out(session)
            return login_redirect(request)
        request.state.viewer = viewer
        if RANK[Role(viewer.role)] < RANK[role]:
            log.info("dashboard: %s refused to a %s", handler.__name__, viewer.role)
            return forbidden(dash, request, f"error.role.{role.value}")
        form = FormData()
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(session, form.get("csrf")):
                return forbidden(dash, request, "error.csrf")
        if not keeps_idle:
            touch(session, now=dash.now())
        return await handler(Call(dash, request, viewer, form))

    return endpoint
