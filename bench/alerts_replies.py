"""The alert benchmark's interview phase: tipsters answered by the real web process
(`homeward serve`, Telegram's limits) on the fake Bot API, database and Redis the fan-out
uses, while the alert worker is stopped and continued in turns; and what counting a reply
in the shared pace costs the reply path."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time
from dataclasses import dataclass

import redis

from bench.client import WebhookClient
from bench.fakebot import Call, FakeBotApi
from bench.load import Sent, drain, open_loop, reply_times
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
SETTLE = 1.0  # seconds after the fan-out stops or continues before its block counts


@dataclass(frozen=True)
class Replies:
    """Reply times while the fan-out ran (or was stopped), and what the bot sent meanwhile."""

    name: str
    replied: int
    expecting: int
    p50: float | None
    p99: float | None
    replies_per_second: float  # calls within the limit to tipsters' chats
    fanout_per_second: float  # alert messages to subscribers
    peak: int  # most calls within the limit (both kinds) in any one second


Block = tuple[float, float, bool]  # start, end, whether the fan-out ran


async def _alternate(pid: int, block: float, blocks: list[Block]) -> None:
    """Stop and continue the alert worker every `block` seconds (SIGSTOP / SIGCONT)."""
    running = True
    while True:
        started = time.monotonic()
        try:
            await asyncio.sleep(block)
        finally:
            blocks.append((started, time.monotonic(), running))
        running = not running
        os.kill(pid, signal.SIGCONT if running else signal.SIGSTOP)


async def interviews(
    web: Target,
    fake: FakeBotApi,
    updates: Updates,
    worker_pid: int,
    *,
    seconds: float,
    block: float,
    first_chat: int,
    first_subscriber: int,
) -> tuple[Replies, Replies]:
    """Tipsters report sightings at RATE updates/s for `seconds` while the fan-out is stopped
    and continued every `block` seconds, so that both are measured on the same machine at
    the same time; reply times with the fan-out stopped, and running."""
    client = WebhookClient(web.child.port, web.path, web.secret)
    blocks: list[Block] = []
    toggling = asyncio.create_task(_alternate(worker_pid, block, blocks))
    try:
        sent = await open_loop(
            client, fake, SIGHTING, updates, rate=RATE, duration=seconds, lanes=LANES,
            first_chat=first_chat,
        )  # fmt: skip
    finally:
        toggling.cancel()
        await asyncio.gather(toggling, return_exceptions=True)
        os.kill(worker_pid, signal.SIGCONT)
        await client.close()
    await drain(fake, SIGHTING, sent, DRAIN)
    pairs = reply_times(fake, SIGHTING, sent)
    calls = [c for c in list(fake.calls) if c.method in LIMITED]
    return tuple(  # type: ignore[return-value]
        _figures(name, [b for b in blocks if b[2] == running], pairs, calls, first_subscriber)
        for name, running in (("fan-out stopped", False), ("fan-out sending", True))
    )


def _figures(
    name: str,
    blocks: list[Block],
    pairs: list[tuple[Sent, float | None]],
    calls: list[Call],
    first_subscriber: int,
) -> Replies:
    """The figures of one kind of block, each from SETTLE after it began."""

    def inside(at: float) -> bool:
        return any(start + SETTLE <= at < end for start, end, _ in blocks)

    replies = [r for s, r in pairs if inside(s.due)]
    during = [c for c in calls if inside(c.at)]
    fanout = sum((c.chat_id or 0) >= first_subscriber for c in during)
    span = sum(max(0.0, end - start - SETTLE) for start, end, _ in blocks) or 1.0
    result = Replies(
        name=name,
        replied=sum(r is not None for r in replies),
        expecting=len(replies),
        p50=percentile(replies, 50),
        p99=percentile(replies, 99),
        replies_per_second=(len(during) - fanout) / span,
        fanout_per_second=fanout / span,
        peak=max(_peaks(during, blocks), default=0),
    )
    print(
        f"  interviews, {name}: {result.replied}/{result.expecting} replied, reply p50 "
        f"{(result.p50 or 0) * 1000:.0f} ms, p99 {(result.p99 or 0) * 1000:.0f} ms; "
        f"{result.replies_per_second:.1f} replies/s, {result.fanout_per_second:.1f} alert "
        f"messages/s, most in any 1 s {result.peak}"
    )
    return result


def _peaks(calls: list[Call], blocks: list[Block]) -> list[int]:
    """The most calls in any one second, within each block."""
    return [max_per_window(c.at for c in calls if start <= c.at < end) for start, end, _ in blocks]


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
