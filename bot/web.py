"""The web process: one Starlette app serving the channels' webhooks and the dashboard.

/healthz says the process is alive (restart it if not); /readyz says it can take traffic:
503 while PostgreSQL or Redis can't be reached, so a load balancer sends webhooks elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.dashboard import DashboardOptions, dashboard_routes
from bot.forwarded import ForwardedFor, TrustedProxies
from bot.wiring import Services

__all__ = ["Channel", "configured_channels", "create_app"]

log = logging.getLogger(__name__)
# A readiness probe that hangs is as bad as one that lies: each check gets this long.
READY_TIMEOUT = 3.0


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


async def _health(request: Request) -> JSONResponse:
    """Liveness: the process answers (it may still be waiting for its database)."""
    return JSONResponse({"ok": True})


async def _reachable(name: str, check: Callable[[], object]) -> bool:
    try:
        await asyncio.wait_for(asyncio.to_thread(check), READY_TIMEOUT)
    except (SQLAlchemyError, RedisError, OSError, TimeoutError) as error:
        log.warning("not ready: %s unreachable (%s)", name, type(error).__name__)
        return False
    return True


def _readiness(svc: Services) -> Callable[[Request], Awaitable[JSONResponse]]:
    def database() -> None:
        with svc.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def ready(request: Request) -> JSONResponse:
        """Readiness: 200 when PostgreSQL and Redis both answer, else 503 naming which didn't."""
        checks = {
            "database": await _reachable("database", database),
            "redis": await _reachable("redis", svc.redis.ping),
        }
        return JSONResponse(
            {"ok": all(checks.values()), **checks}, status_code=200 if all(checks.values()) else 503
        )

    return ready


def create_app(
    svc: Services, channels: Sequence[Channel], *, dashboard: DashboardOptions | None = None
) -> Starlette:
    """The ASGI app: channel routes, the dashboard, health checks; channels run with it."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for channel in channels:
            await channel.start()
            log.info("channel %s started", channel.name)
        try:
            yield
        finally:
            for channel in reversed(channels):
                await channel.stop()

    routes: list[BaseRoute] = [Route("/healthz", _health), Route("/readyz", _readiness(svc))]
    for channel in channels:
        routes.extend(channel.routes())
    routes.extend(dashboard_routes(svc, dashboard))
    proxies = TrustedProxies(svc.settings.forwarded_allow_ips)
    middleware = [Middleware(ForwardedFor, proxies=proxies)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
