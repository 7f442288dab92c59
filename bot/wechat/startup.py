"""What the WeChat channel gets ready at start, so the first burst of callbacks waits on none of it."""

from __future__ import annotations

import asyncio
import logging

import redis
import redis.asyncio

from bot.wechat.inbound import CHANNEL, LANGUAGE_HINT
from bot.wiring import Services
from handlers import warm_up
from storage.db import open_connections

__all__ = ["connect_nonce_store", "prepare_intake"]

log = logging.getLogger(__name__)


def prepare_intake(svc: Services, *, threads: int) -> None:
    """Load the interview's tables, hash receipts' PINs, open a connection per intake thread
    and compile the intake's statements: the first followers' answers did each of these, in
    every thread at once."""
    warm_up()
    svc.intake.pins.fill()
    open_connections(svc.engine, threads)
    svc.intake.rehearse(CHANNEL, LANGUAGE_HINT)


async def connect_nonce_store(client: redis.asyncio.Redis, *, connections: int) -> None:
    """Open the replay check's Redis connections now, not one per callback of the first burst."""
    try:
        await asyncio.gather(*(client.ping() for _ in range(connections)))
    except redis.RedisError:  # the replay check is skipped while Redis is down
        log.warning("nonce store unavailable at start")
