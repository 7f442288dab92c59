"""Long polling with getUpdates: an update is confirmed to Telegram only after it is stored."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken

__all__ = ["ALLOWED_UPDATES", "poll"]

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)


async def poll(
    bot: Bot, ingest: Callable[[dict[str, Any]], Awaitable[object]], *, timeout: int
) -> None:
    """Fetch updates until cancelled; each is stored by `ingest` before an offset confirms it."""
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset,
                timeout=dtm.timedelta(seconds=timeout),
                allowed_updates=ALLOWED_UPDATES,
            )
            for update in updates:
                await ingest(update.to_dict())
                offset = update.update_id + 1  # Telegram forgets what is below the offset
            failures = 0
        except asyncio.CancelledError:
            raise
        except (Conflict, InvalidToken) as error:
            log.error("polling refused by Telegram (%s); is a webhook set?", type(error).__name__)
            failures += 1
        except Exception as error:  # network, Bot API or database: keep the offset, try again
            log.warning("polling failed (%s); trying again", type(error).__name__)
            failures += 1
        if failures:
            await asyncio.sleep(_BACKOFF[min(failures, len(_BACKOFF)) - 1])
