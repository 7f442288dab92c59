"""The fan-out's pace: a share of Telegram's ~30 messages/s per bot, shared by every process,
spread evenly, with replies to tipsters taking their places first.

One Redis key per platform holds the next free moment to send (the "theoretical arrival
time" of the generic cell rate algorithm). A fan-out message takes that moment, pushes it on
by 1/`per_second`, and sleeps until its moment; a burst never happens, whichever second
boundaries fall where, and two workers share one pace. A reply to a tipster takes a place
without waiting (`note_reply`), so it only ever delays the fan-out, never the other way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

__all__ = ["Pacer", "note_reply"]

_KEY = "homeward:pace:{platform}"
# Take the next free moment and push it on by one step; returns how long to wait. The free
# moment may lag `now` by up to CATCH_UP, so a message slowed by the machine is made up for
# (a burst of at most CATCH_UP × rate). Floats travel as strings: Lua numbers would reach
# Redis as integers.
_TAKE = """
local now = tonumber(ARGV[1])
local step = tonumber(ARGV[2])
local lag = tonumber(ARGV[3])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free < now - lag then free = now - lag end
redis.call('SET', KEYS[1], tostring(free + step), 'PX', 60000)
return tostring(free - now)
"""


CATCH_UP = 0.25  # seconds


def _take(client: redis.Redis, platform: str, now: float, step: float) -> float:
    script = client.register_script(_TAKE)
    key = _KEY.format(platform=platform)
    return float(script(keys=[key], args=[repr(now), repr(step), repr(CATCH_UP)]))


def note_reply(
    client: redis.Redis, platform: str, *, per_second: float = 27.0, now: float | None = None
) -> None:
    """Count a reply to a tipster in the shared pace (it never waits)."""
    _take(client, platform, time.time() if now is None else now, 1 / per_second)


class Pacer:
    """Waits for this message's moment in one platform's shared pace."""

    def __init__(
        self,
        client: redis.Redis,
        platform: str,
        per_second: float,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client, self._platform = client, platform
        self._step = 1 / per_second
        self._clock, self._sleep = clock, sleep

    def wait_turn(self) -> None:
        """Return at this message's moment (taking it)."""
        wait = _take(self._client, self._platform, self._clock(), self._step)
        if wait > 0:
            self._sleep(wait)
