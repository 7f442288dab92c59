"""The alert benchmark's interview phase: tipsters answered by the real web process
(`homeward serve`, Telegram's limits) on the fake Bot API, database and Redis the fan-out
uses, once with the alert worker sending and once without; and what counting a reply in
the shared pace costs the reply path."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import redis

from bench.client import WebhookClient
from bench.fakebot import FakeBotApi
from bench.load import drain, open_loop, reply_times
from bench.phases import LIMITED
from bench.script import SIGHTING, Updates
from bench.servers import Target
from bench.stats import max_per_window, percentile
from triage.alerts.pacing import note_replies, pace_keys
from triage.alerts.reply_pace import ReplyPace

__all__ = ["RATE", "NoteCost", "Replies", "interviews", "note_cost"]

RATE = 10.0  # interview updates a second (each gets about one reply)
LANES = 20  # tipsters answering at once, each every 2 s
DRAIN = 15.0  # seconds to wait for the last replies


@dataclass(frozen=True)
class Replies:
    """Reply times of one interview phase, and what the bot sent meanwhile."""

    name: str
    sent: int
    replied: int
    expecting: int
    p50: float | None
    p99: float | None
    replies_per_second: float  # calls within the limit to tipsters' chats
    fanout_per_second: float  # alert messages to subscribers
    peak: int  # most calls within the limit (both kinds) in any one second


async def interviews(
    name: str,
    web: Target,
    fake: FakeBotApi,
    updates: Updates,
    *,
    seconds: float,
    first_chat: int,
    first_subscriber: int,
) -> Replies:
    """Tipsters report sightings at RATE updates/s for `seconds`; their reply times."""
    client = WebhookClient(web.child.port, web.path, web.secret)
    try:
        sent = await open_loop(
            client, fake, SIGHTING, updates, rate=RATE, duration=seconds, lanes=LANES,
            first_chat=first_chat,
        )  # fmt: skip
    finally:
        await client.close()
    await drain(fake, SIGHTING, sent, DRAIN)
    start, end = min(s.due for s in sent), max(s.due for s in sent)
    during = [c for c in list(fake.calls) if start <= c.at <= end and c.method in LIMITED]
    fanout = [c for c in during if (c.chat_id or 0) >= first_subscriber]
    replies = [r for _, r in reply_times(fake, SIGHTING, sent)]
    result = Replies(
        name=name,
        sent=len(sent),
        replied=sum(r is not None for r in replies),
        expecting=len(replies),
        p50=percentile(replies, 50),
        p99=percentile(replies, 99),
        replies_per_second=(len(during) - len(fanout)) / (end - start),
        fanout_per_second=len(fanout) / (end - start),
        peak=max_per_window(c.at for c in during),
    )
    print(
        f"  interviews {name}: {result.replied}/{result.expecting} replied, reply p99 "
        f"{(result.p99 or 0) * 1000:.0f} ms; {result.replies_per_second:.1f} replies/s, "
        f"{result.fanout_per_second:.1f} alert messages/s, most in any 1 s {result.peak}"
    )
    return result


@dataclass(frozen=True)
class NoteCost:
    """What counting replies in the pace costs: on the reply path, and the hand-over."""

    note_us: float  # ReplyPace.note on the reply path, median, microseconds
    handover_ms: float  # one script call to Redis with a reply's moment, median
    handover_p99_ms: float


def note_cost(url: str, count: int = 2000) -> NoteCost:
    """Measure ReplyPace.note (a queue put) and note_replies (a Redis round trip)."""
    client = redis.Redis.from_url(url)
    pace = ReplyPace(client, "bench-cost", per_second=29)  # not started: only the put
    started = time.perf_counter()
    for _ in range(count):
        pace.note()
    note_us = (time.perf_counter() - started) / count * 1e6
    trips = []
    for _ in range(count // 4):
        at = time.perf_counter()
        note_replies(client, "bench-cost", [time.time()], per_second=29)
        trips.append(time.perf_counter() - at)
    client.delete(*pace_keys("bench-cost"))
    client.close()
    return NoteCost(note_us, statistics.median(trips) * 1000, (percentile(trips, 99) or 0) * 1000)
