"""The web process: one Starlette app serving the channels' webhooks, the dashboard and the
health checks (bot/health.py)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.dashboard import DashboardOptions, dashboard_routes
from bot.forwarded import ForwardedFor, TrustedProxies
from bot.health import health_routes
from bot.public import alert_page_routes
from bot.wiring import Services

__all__ = ["Channel", "configured_channels", "create_app"]

log = logging.getLogger(__name__)


class Channel(Protocol):
    """A messaging platform adapter living in the web process."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """The HTTP routes the platform calls (webhooks)."""

    async def start(self) -> None:
        """Connect to the platform (and start polling, where there is no webhook)."""

    async def stop(self) -> None:
        """Finish in-flight work and disconnect."""


def configured_channels(svc: Services) -> list[Channel]:
    """Every channel whose settings are present (maybe none); malformed ones raise SettingsError."""
    channels: list[Channel] = []
    settings = svc.settings
    if settings.telegram_bot_token:
        from bot.telegram import TelegramChannel

        channels.append(TelegramChannel(svc))
    if settings.wechat_token:
        from bot.wechat import WeChatChannel

        channels.append(WeChatChannel(svc))
    if not channels:
        log.warning(
            "no channel configured: serving the dashboard only "
            "(set TELEGRAM_BOT_TOKEN and/or WECHAT_TOKEN to take tips)"
        )
    return channels


class _CutOffQuietly:
    """A request still open when the server stops is cancelled (uvicorn's graceful timeout):
    end it with a log line, not a traceback. Telegram sends again what got no 200."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:
            if scope["type"] != "http":
                raise
            log.warning("a request still open at stop was cut off")  # no path: it holds a secret


def create_app(
    svc: Services, channels: Sequence[Channel], *, dashboard: DashboardOptions | None = None
) -> Starlette:
    """The ASGI app: channel routes, the dashboard, health checks; channels run with it."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for channel in channels:
            await channel.start()
            log.info("channel %s started", channel.name)
        # What start-up loaded (modules, the place index, parsers' data) stays for good: out
        # of the collector's sight, a full collection no longer stops every request ~0.2 s.
        gc.freeze()
        try:
            yield
        finally:
            for channel in reversed(channels):
                await channel.stop()
            gc.unfreeze()  # an app started again in this process (tests) freezes afresh

    routes: list[BaseRoute] = [*health_routes(svc)]
    for channel in channels:
        routes.extend(channel.routes())
    routes.extend(dashboard_routes(svc, dashboard))
    routes.extend(alert_page_routes(svc))
    proxies = TrustedProxies(svc.settings.forwarded_allow_ips)
    middleware = [Middleware(_CutOffQuietly), Middleware(ForwardedFor, proxies=proxies)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
