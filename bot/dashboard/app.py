"""The dashboard's routes, mounted at /dashboard: one table says who may do what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.dashboard import (
    actions,
    admin,
    alert_actions,
    auth,
    case_outcome,
    media,
    outcomes,
    overview,
    queue,
    registry_pages,
    review,
    tip,
)
from bot.dashboard.context import Dashboard, DashboardOptions
from bot.dashboard.guard import Endpoint, Handler, guarded
from bot.wiring import Services
from storage import Role

__all__ = ["ROUTES", "dashboard_routes"]

C, L, A = Role.COORDINATOR, Role.LEAD, Role.ADMIN
# (method, path, handler, the least role allowed). Anyone else is sent to sign in (or refused).
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("GET", "/", queue.queue_page, C),
    ("GET", "/queue/rows", queue.queue_rows, C),
    ("GET", "/search", queue.search, C),
    ("GET", "/overview", overview.overview_page, C),
    ("GET", "/tips/{ref}", tip.tip_page, C),
    ("POST", "/tips/{ref}/claim", actions.claim, C),
    ("POST", "/tips/{ref}/release", actions.release, C),
    ("POST", "/tips/{ref}/reassign", actions.reassign, L),
    ("POST", "/tips/{ref}/status", actions.status, C),
    ("POST", "/tips/{ref}/note", actions.note, C),
    ("POST", "/tips/{ref}/ask", actions.ask, C),
    ("POST", "/tips/{ref}/callback", actions.callback, C),
    ("POST", "/tips/{ref}/refer", actions.refer, C),
    ("POST", "/tips/{ref}/export", actions.export, C),
    ("POST", "/tips/{ref}/reveal", tip.reveal_contact, C),
    ("POST", "/tips/{ref}/block", actions.block, L),
    ("POST", "/tips/{ref}/unblock", actions.unblock, L),
    ("GET", "/attachments/{attachment_id:int}", media.attachment_file, C),
    ("GET", "/attachments/{attachment_id:int}/thumb", media.attachment_thumbnail, C),
    ("GET", "/admin", admin.admin_page, A),
    ("POST", "/admin/coordinators", admin.add_or_update, A),
    ("POST", "/admin/coordinators/remove", admin.remove, A),
    ("POST", "/admin/coordinators/end-sessions", admin.end_all_sessions, A),
    ("POST", "/admin/coordinators/unlock", admin.unlock, A),
    *registry_pages.ROUTES,
    *alert_actions.ROUTES,
    *outcomes.ROUTES,
    *review.ROUTES,
    *case_outcome.ROUTES,
]
# Background fetches that must not count as the coordinator using the dashboard.
KEEPS_IDLE = {queue.queue_rows, *outcomes.KEEPS_IDLE}
STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """Adds the headers above to every dashboard response; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if "/static/" not in scope.get("path", ""):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _public(
    dash: Dashboard, endpoint: Callable[[Request, Dashboard], Awaitable[Response]]
) -> Endpoint:
    """A route anyone may reach (signing in); it checks its own CSRF token."""

    async def bound(request: Request) -> Response:
        return await endpoint(request, dash)

    return bound


def dashboard_routes(svc: Services, options: DashboardOptions | None = None) -> list[BaseRoute]:
    """The dashboard as one Mount for the web app, with its session cookie and headers."""
    dash = Dashboard(svc, options or DashboardOptions.from_settings(svc.settings))
    routes: list[BaseRoute] = [
        Route("/login", _public(dash, auth.login_form), methods=["GET"]),
        Route("/login", _public(dash, auth.login_submit), methods=["POST"]),
        Route("/logout", _public(dash, auth.logout), methods=["POST"]),
        Route("/language", _public(dash, auth.language), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    for method, path, handler, role in ROUTES:
        endpoint = guarded(dash, handler, role=role, keeps_idle=handler in KEEPS_IDLE)
        # Forms carrying a file (registry photos, CSV) may be larger; still bounded.
        limit = registry_pages.BODY_LIMITS.get(handler)
        routes.append(Route(path, endpoint, methods=[method], max_body_size=limit))
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=svc.settings.dashboard_secret(svc.cipher),
            session_cookie="homeward_dashboard",
            max_age=int(dash.options.lifetime.total_seconds()),
            path="/dashboard",
            same_site="strict",
            https_only=svc.settings.production,
        ),
    ]
    return [Mount("/dashboard", routes=routes, middleware=middleware, max_body_size=MAX_BODY)]
