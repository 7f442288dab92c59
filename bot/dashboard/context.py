"""The dashboard's shared parts: options, database and queue access, templates, rendering."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from redis.exceptions import RedisError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.dashboard.i18n import Texts, pick_language
from bot.dashboard.sessions import Viewer, csrf_token, pop_flashes
from bot.settings import Settings
from bot.wiring import Services
from handlers.times import MINUTE, shown, stamp, zone
from storage import session_scope, utcnow
from triage import dispatch_report
from triage.urgency_words import reason_words, score_words, top_reason

__all__ = ["Dashboard", "DashboardOptions"]

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class DashboardOptions:
    """Session lifetimes, sign-in throttling (bot/dashboard/throttle.py) and refresh; `clock`
    and `pause` let tests move time and see the waits."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    refresh_seconds: int = 30
    failures_per_pair: int = 5
    failures_per_address: int = 20
    failure_window: timedelta = timedelta(minutes=15)
    slow_after: int = 3
    slowest: timedelta = timedelta(seconds=15)
    clock: Callable[[], datetime] = field(default=utcnow)
    pause: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)

    @classmethod
    def from_settings(cls, settings: Settings) -> DashboardOptions:
        """The options a deployment configured."""
        return cls(
            idle=timedelta(minutes=settings.dashboard_idle_minutes),
            lifetime=timedelta(hours=settings.dashboard_session_hours),
            refresh_seconds=settings.dashboard_refresh_seconds,
        )


class Dashboard:
    """What every dashboard route uses."""

    def __init__(self, svc: Services, options: DashboardOptions) -> None:
        self.svc = svc
        self.options = options
        self.timezone = zone(svc.settings.homeward_timezone)
        self.media_dir = (svc.settings.homeward_data_dir / "media").resolve()
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["local"] = self.local_time
        self.templates.filters["stamp"] = self.stamp
        self.templates.globals.update(
            urgency_score=score_words,
            urgency_reasons=lambda report, language: reason_words(
                report, language, self.timezone, self.now()
            ),
            top_reason=lambda report, language: top_reason(
                report, language, self.timezone, self.now()
            ),
        )

    def now(self) -> datetime:
        """The current time (from the options' clock)."""
        return self.options.clock()

    @contextmanager
    def db(self) -> Iterator[Session]:
        """A database session committed at the end of the block."""
        with session_scope(self.svc.engine) as session:
            yield session

    def blind(self, kind: str, value: str) -> str:
        """A keyed digest standing for a name or address in the sign-in attempts table."""
        return f"{kind}:{self.svc.cipher.blind_index(f'{kind}:{value}')}"

    def dispatch(self, report_id: int) -> None:
        """Queue the work an action added; if Redis is down the sweeper queues it later."""
        try:
            dispatch_report(self.svc.engine, self.svc.queue, report_id)
        except RedisError:
            log.warning("report %s: queue unavailable; the sweeper will queue its work", report_id)

    def local_time(self, value: datetime | str | None, fmt: str = MINUTE) -> str:
        """A timestamp (or its ISO text) in the deployment's time zone."""
        return shown(value, self.timezone, fmt)

    def stamp(self, value: datetime | None) -> str:
        """A timestamp for a `<time datetime>` attribute: ISO 8601 in the zone, with offset."""
        return stamp(value, self.timezone) or ""

    def texts(self, request: Request) -> Texts:
        """The UI text in the language of this session (or browser)."""
        return Texts(
            pick_language(request.session.get("lang"), request.headers.get("accept-language")),
            self.timezone,
        )

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """A page (or fragment) in the session's language."""
        viewer: Viewer | None = getattr(request.state, "viewer", None)
        html = self.templates.get_template(template).render(
            t=self.texts(request),
            base=request.scope.get("root_path", ""),
            csrf=csrf_token(request.session),
            viewer=viewer,
            flashes=pop_flashes(request.session) if not template.startswith("_") else [],
            path=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status)
