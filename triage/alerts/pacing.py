"""The fan-out's pace: what replies to tipsters leave of Telegram's 30 messages/s per bot,
shared by every process, spread evenly.

Redis keys per platform. One holds the next free moment to send (the "theoretical arrival
time" of the generic cell rate algorithm): a message takes it and pushes it on by
1/`per_second`, so the fan-out goes evenly rather than in bursts, and two workers share one
pace. One holds the moment of every message of the last two seconds, replies and fan-out
alike: a fan-out message goes only where the second before it holds fewer than
`FANOUT_WINDOW` (29), so the bot stays within Telegram's 30 in any one second with a place
left for the send's own delay after its moment. Replies take their places without waiting
(`note_replies`, from the web process): they only ever delay the fan-out, never the other
way. But a reply is counted only an instant before it goes, and tipsters' replies come in
bursts (20 chats answered in the same second), so counting them can't keep a second within
30 by itself: while tipsters are being answered the fan-out also keeps free as many places
as the largest burst of replies seen in one second over the last `BURST_MEMORY` seconds
(two at least), counting only its own messages against the rest. Two more keys hold the
replies' moments and that largest burst (forgotten `BURST_MEMORY` s after it was last
reached). A fan-out message takes its moment only when it has come (the worker asks again
after sleeping), so a reply noted meanwhile is counted before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import redis

__all__ = [
    "BURST_MEMORY",
    "FANOUT_WINDOW",
    "KEEP_FOR_REPLIES",
    "Pacer",
    "note_replies",
    "pace_keys",
]

TELEGRAM_PER_SECOND = 30  # Telegram's limit per bot, in any one second
FANOUT_WINDOW = TELEGRAM_PER_SECOND - 1  # one place left for the send's own delay
KEEP_FOR_REPLIES = 2  # places kept for replies on their way at least, while replying (measured)
BURST_MEMORY = 60  # seconds a burst of replies is remembered (10 s let a later burst crowd; bench)
CATCH_UP = 0.25  # seconds a pace may lag: a message slowed by the machine is made up for
_KEYS = (
    "homeward:pace:{platform}",
    "homeward:pace:{platform}:sent",
    "homeward:pace:{platform}:replies",
    "homeward:pace:{platform}:burst",
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
# Replies: ARGV = step, lag, burst memory (s), then each reply's moment (in order). Each is
# kept among the replies too; the most of them in one second is the burst remembered, with
# the moment it was last reached.
_NOTE = (
    _COMMON
    + """
local step, lag, memory = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = redis.call('HMGET', KEYS[4], 'n', 'at')
local burst = tonumber(last[1] or '0')
local now = 0
for i = 4, #ARGV do
  now = tonumber(ARGV[i])
  free = resumed(free, now, lag) + step
  redis.call('ZADD', KEYS[2], fmt(now), fmt(free))
  redis.call('ZADD', KEYS[3], fmt(now), fmt(free))
  if tonumber(last[2] or '0') <= now - memory then burst = 0 end  -- forgotten
  local inside = redis.call('ZCOUNT', KEYS[3], '(' .. fmt(now - 1), '+inf')
  if inside >= burst then
    burst = inside
    last = {burst, fmt(now)}
    redis.call('HSET', KEYS[4], 'n', burst, 'at', fmt(now))
    redis.call('PEXPIRE', KEYS[4], 60000)
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now - 2))
redis.call('PEXPIRE', KEYS[3], 60000)
redis.call('SET', KEYS[1], fmt(free), 'PX', 60000)
keep(now)
return #ARGV - 3
"""
)
# The fan-out: ARGV = now, step, lag, window, places kept for replies at least, burst memory
# (s); returns {1 if taken, how long to wait}. A moment still to come is not taken: the
# worker sleeps and asks again. While a burst of replies is remembered, the fan-out's own messages in the second
# before (all of them less the replies) stay below the window less that burst.
_TAKE = (
    _COMMON
    + """
local now, step = tonumber(ARGV[1]), tonumber(ARGV[2])
local lag, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local keep_free = tonumber(ARGV[5])
local free = resumed(tonumber(redis.call('GET', KEYS[1]) or '0'), now, lag)
local at = math.max(free, now)
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > at then at = tonumber(newest[2]); free = at end
local full = redis.call('ZREVRANGE', KEYS[2], window - 1, window - 1, 'WITHSCORES')
local after = full[2] and tonumber(full[2]) + 1.001  -- a millisecond past its second
if after and after > at then at = after; free = at end
local last = redis.call('HMGET', KEYS[4], 'n', 'at')
local burst = last[1] and tonumber(last[2]) > at - tonumber(ARGV[6]) and tonumber(last[1])
if burst and at <= now + 0.001 then
  local since = '(' .. fmt(at - 1)
  local own = redis.call('ZCOUNT', KEYS[2], since, '+inf')
    - redis.call('ZCOUNT', KEYS[3], since, '+inf')
  if own >= window - math.max(burst, keep_free) then
    return {0, fmt(step)}  -- full while tipsters are answered: ask again a step later
  end
end
if at > now + 0.001 then return {0, fmt(at - now)} end
redis.call('SET', KEYS[1], fmt(free + step), 'PX', 60000)
redis.call('ZADD', KEYS[2], fmt(at), fmt(free + step))
keep(now)
return {1, fmt(at - now)}
"""
)


def pace_keys(platform: str) -> list[str]:
    """The Redis keys of one platform's pace (next free moment, last seconds' sends, last
    seconds' replies, largest recent burst of replies)."""
    return [key.format(platform=platform) for key in _KEYS]


def note_replies(
    client: redis.Redis, platform: str, moments: Sequence[float], *, per_second: float
) -> None:
    """Count replies to tipsters (sent at `moments`) in the shared pace; they never wait."""
    script = client.register_script(_NOTE)
    args: list[str | int] = [repr(1 / per_second), repr(CATCH_UP), BURST_MEMORY]
    args += map(repr, moments)
    script(keys=pace_keys(platform), args=args)


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
            args += [FANOUT_WINDOW, KEEP_FOR_REPLIES, BURST_MEMORY]
            taken, wait = self._script(keys=self._keys, args=args)
            if float(wait) > 0:
                self._sleep(float(wait))
            if int(taken):
                return
