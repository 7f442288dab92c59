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
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.failures import describe, may_pass

__all__ = ["Tried", "attempt", "passes", "retrying"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Tried(Generic[T]):
    """What trying came to: the action's value, or the error it ended on (both None when
    Telegram refused for good)."""

    value: T | None = None
    error: BaseException | None = None


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
    """None once `action` succeeded (or Telegram refused for good), else the error it ended on."""
    return (await attempt(update_id, action, delays, stopping=stopping)).error


async def attempt(
    update_id: int,
    action: Callable[[], Awaitable[T]],
    delays: Sequence[float],
    *,
    stopping: asyncio.Event | None = None,
) -> Tried[T]:
    """Run `action` until it succeeds, Telegram refuses for good, or retrying can't help.

    Once `stopping` is set nothing is tried again, and a wait before a retry ends at once:
    the process stops within its bound, and the next start answers what is stored."""
    for delay in (*delays, None):
        try:
            return Tried(await action())
        except (Forbidden, BadRequest) as error:  # blocked by the user, chat gone, …
            log.warning("update %s: Telegram refused (%s); not retried", update_id, error)
            return Tried()
        except Exception as error:
            if not passes(error):  # a bug: retrying in place won't help
                log.error("update %s failed (%s)", update_id, describe(error))
                return Tried(error=error)
            if delay is None or (stopping is not None and stopping.is_set()):
                log.error("update %s still failing; it waits for the next start", update_id)
                return Tried(error=error)
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
                return Tried(error=error)
    raise AssertionError("unreachable: the last delay is None")
