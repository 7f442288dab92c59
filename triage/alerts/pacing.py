"""The fan-out's pace: what replies to tipsters leave of Telegram's 30 messages/s per bot,
shared by every process, spread evenly.

Three Redis keys per platform. One holds the next free moment to send (the "theoretical
arrival time" of the generic cell rate algorithm): a message takes it and pushes it on by
1/`per_second`, so the fan-out goes evenly rather than in bursts, and two workers share one
pace. One holds the moment of every message of the last two seconds, replies and fan-out
alike: a fan-out message goes only where the second before it holds fewer than
`FANOUT_WINDOW` (29), or `WHILE_REPLYING` (27) while tipsters are being answered, so the
bot stays within Telegram's 30 in any one second with places left for replies on their way
(noted an instant before they go) and for the send's own delay after its moment. The third is
the last reply's moment. Replies take their places without waiting (`note_replies`, from
the web process): they only ever delay the fan-out, never the other way. A fan-out message
takes its moment only when it has come (the worker asks again after sleeping), so a reply
noted meanwhile is counted before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import redis

__all__ = ["FANOUT_WINDOW", "WHILE_REPLYING", "Pacer", "note_replies", "pace_keys"]

TELEGRAM_PER_SECOND = 30  # Telegram's limit per bot, in any one second
FANOUT_WINDOW = TELEGRAM_PER_SECOND - 1  # one place left for the send's own delay
WHILE_REPLYING = TELEGRAM_PER_SECOND - 3  # and two for replies on their way (measured)
CATCH_UP = 0.25  # seconds a pace may lag: a message slowed by the machine is made up for
_KEYS = (
    "homeward:pace:{platform}",
    "homeward:pace:{platform}:sent",
    "homeward:pace:{platform}:replied",
)

# Shared by both scripts: moments travel as strings (Lua numbers would reach Redis as
# integers or with 14 digits), each moment's member is the free moment after it, which only
# grows, so no two are the same.
_COMMON = """
local function fmt(x) return string.format('%.6f', x) end
local function resumed(free, now, lag)
  if free < now - 1 then return now end  -- idle: afresh, with no lead to burst with
  if free < now - lag then return now - lag end
  return free
end
local function keep(now)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(now - 2))
  redis.call('PEXPIRE', KEYS[2], 60000)
end
"""
# Replies: ARGV = step, lag, then each reply's moment.
_NOTE = (
    _COMMON
    + """
local step, lag = tonumber(ARGV[1]), tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = 0
for i = 3, #ARGV do
  now = tonumber(ARGV[i])
  free = resumed(free, now, lag) + step
  redis.call('ZADD', KEYS[2], fmt(now), fmt(free))
end
redis.call('SET', KEYS[1], fmt(free), 'PX', 60000)
redis.call('SET', KEYS[3], fmt(now), 'PX', 60000)
keep(now)
return #ARGV - 2
"""
)
# The fan-out: ARGV = now, step, lag, window, window while replying; returns {1 if taken,
# how long to wait}. A moment still to come is not taken: the worker sleeps and asks again.
_TAKE = (
    _COMMON
    + """
local now, step = tonumber(ARGV[1]), tonumber(ARGV[2])
local lag, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local replying = tonumber(ARGV[5])
local free = resumed(tonumber(redis.call('GET', KEYS[1]) or '0'), now, lag)
local at = math.max(free, now)
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > at then at = tonumber(newest[2]); free = at end
if tonumber(redis.call('GET', KEYS[3]) or '0') > now - 1 then window = replying end
local full = redis.call('ZREVRANGE', KEYS[2], window - 1, window - 1, 'WITHSCORES')
local after = full[2] and tonumber(full[2]) + 1.001  -- a millisecond past its second
if after and after > at then at = after; free = at end
if at > now + 0.001 then return {0, fmt(at - now)} end
redis.call('SET', KEYS[1], fmt(free + step), 'PX', 60000)
redis.call('ZADD', KEYS[2], fmt(at), fmt(free + step))
keep(now)
return {1, fmt(at - now)}
"""
)


def pace_keys(platform: str) -> list[str]:
    """The Redis keys of one platform's pace (next free moment, last seconds' sends, last reply)."""
    return [key.format(platform=platform) for key in _KEYS]


def note_replies(
    client: redis.Redis, platform: str, moments: Sequence[float], *, per_second: float
) -> None:
    """Count replies to tipsters (sent at `moments`) in the shared pace; they never wait."""
    script = client.register_script(_NOTE)
    script(
        keys=pace_keys(platform), args=[repr(1 / per_second), repr(CATCH_UP), *map(repr, moments)]
    )


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
        self._script = client.register_script(_TAKE)
        self._keys = pace_keys(platform)
        self._step = repr(1 / per_second)
        self._clock, self._sleep = clock, sleep

    def wait_turn(self) -> None:
        """Return at this message's moment (taking it)."""
        while True:
            args: list[str | int] = [repr(self._clock()), self._step, repr(CATCH_UP)]
            args += [FANOUT_WINDOW, WHILE_REPLYING]
            taken, wait = self._script(keys=self._keys, args=args)
            if float(wait) > 0:
                self._sleep(float(wait))
            if int(taken):
                return
