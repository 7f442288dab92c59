"""Health checks for the host: /healthz (liveness) and /readyz (readiness).

/healthz says the process is alive (restart it if not); /readyz says it can take traffic:
503 while PostgreSQL or Redis can't be reached, so a load balancer sends webhooks elsewhere.
A check that hangs (a database dropping packets) holds at most one thread per dependency:
the next probe waits on the same check instead of starting another, so probes every few
seconds can't use up the threads the channels store updates with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.wiring import Services

__all__ = ["READY_TIMEOUT", "health_routes"]

log = logging.getLogger(__name__)
# A readiness probe that hangs is as bad as one that lies: each check gets this long.
READY_TIMEOUT = 3.0
UNREACHABLE = (SQLAlchemyError, RedisError, OSError, TimeoutError)


def _retrieved(future: asyncio.Future[object]) -> None:
    # Read a late failure so asyncio doesn't log it as never retrieved.
    if not future.cancelled():
        future.exception()


class Readiness:
    """Checks PostgreSQL and Redis, one check in flight per dependency."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self._running: dict[str, asyncio.Future[object]] = {}

    def _database(self) -> None:
        with self.svc.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def _reachable(self, name: str, check: Callable[[], object]) -> bool:
        future = self._running.get(name)
        if future is None or future.done():
            future = asyncio.ensure_future(asyncio.to_thread(check))
            future.add_done_callback(_retrieved)
            self._running[name] = future
        try:
            await asyncio.wait_for(asyncio.shield(future), READY_TIMEOUT)
        except UNREACHABLE as error:
            log.warning("not ready: %s unreachable (%s)", name, type(error).__name__)
            return False
        return True

    async def ready(self, request: Request) -> JSONResponse:
        """200 when PostgreSQL and Redis both answer, else 503 naming which didn't."""
        checks = {
            "database": await self._reachable("database", self._database),
            "redis": await self._reachable("redis", self.svc.redis.ping),
        }
        ok = all(checks.values())
        return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)


async def _alive(request: Request) -> JSONResponse:
    """Liveness: the process answers (it may still be waiting for its database)."""
    return JSONResponse({"ok": True})


def health_routes(svc: Services) -> list[Route]:
    """/healthz and /readyz."""
    return [Route("/healthz", _alive), Route("/readyz", Readiness(svc).ready)]
