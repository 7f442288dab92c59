"""Trying an update's work again: outages in place (keeping the chat's order), bugs not at all.

What counts as an outage is `bot.failures.may_pass`, plus Telegram's own network errors and
flood control; a failure that is the update's own fault returns at once, for the channel to
count against the update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.failures import describe, may_pass

__all__ = ["passes", "retrying"]

log = logging.getLogger(__name__)


def passes(error: BaseException) -> bool:
    """Whether a failure is an outage (Telegram's included) that waiting may end."""
    return may_pass(error, also=(TelegramError,))


async def retrying(
    update_id: int,
    action: Callable[[], Awaitable[None]],
    delays: Sequence[float],
    *,
    stopping: asyncio.Event | None = None,
) -> BaseException | None:
    """None once `action` succeeded (or Telegram refused for good), else the error it ended on.

    Once `stopping` is set nothing is tried again, and a wait before a retry ends at once:
    the process stops within its bound, and the next start answers what is stored."""
    for delay in (*delays, None):
        try:
            await action()
            return None
        except (Forbidden, BadRequest) as error:  # blocked by the user, chat gone, …
            log.warning("update %s: Telegram refused (%s); not retried", update_id, error)
            return None
        except Exception as error:
            if not passes(error):  # a bug: retrying in place won't help
                log.error("update %s failed (%s)", update_id, describe(error))
                return error
            if delay is None or (stopping is not None and stopping.is_set()):
                log.error("update %s still failing; it waits for the next start", update_id)
                return error
            log.warning(
                "update %s failed (%s); retrying in %ss", update_id, type(error).__name__, delay
            )
            if stopping is None:
                await asyncio.sleep(delay)
                continue
            with contextlib.suppress(TimeoutError):  # a stop ends the wait
                await asyncio.wait_for(stopping.wait(), delay)
            if stopping.is_set():  # and nothing is tried again
                log.error("update %s still failing; it waits for the next start", update_id)
                return error
    raise AssertionError("unreachable: the last delay is None")
