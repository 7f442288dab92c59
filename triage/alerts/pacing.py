"""The fan-out's pace: Telegram's ~30 messages/s per bot, shared by every process, with the
interviews' replies served first.

One Redis counter per second (per platform) counts every message the bot sends. The fan-out
takes a place in the current second only while the count is below its share (`per_second`,
27 by default: 0.9 of the cap); replies to tipsters count without ever waiting (`note_reply`),
so each reply sent this second leaves one fewer place for the fan-out, never the other way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

__all__ = ["Pacer", "note_reply"]

_KEY = "homeward:sent:{platform}:{second}"


def note_reply(client: redis.Redis, platform: str, *, now: float | None = None) -> None:
    """Count a reply to a tipster in this second's sends (it never waits)."""
    second = int(now if now is not None else time.time())
    key = _KEY.format(platform=platform, second=second)
    pipe = client.pipeline()
    pipe.incr(key)
    pipe.expire(key, 5)
    pipe.execute()


class Pacer:
    """Waits for a place in the current second's share of one platform's sends."""

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
        self._share = max(1, int(per_second))
        self._clock, self._sleep = clock, sleep

    def wait_turn(self) -> None:
        """Return once this message may be sent (taking its place in the current second)."""
        while True:
            now = self._clock()
            key = _KEY.format(platform=self._platform, second=int(now))
            pipe = self._client.pipeline()
            pipe.incr(key)
            pipe.expire(key, 5)
            taken = int(pipe.execute()[0])
            if taken <= self._share:
                # The k-th place of a second is at its k-th share: spread, not a burst at
                # each second's start (two bursts across a boundary would be twice the rate).
                slot = int(now) + (taken - 1) / self._share
                if slot > now:
                    self._sleep(slot - now)
                return
            self._sleep(max(0.001, int(now) + 1 - now))  # the next second
