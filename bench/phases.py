"""The Telegram phases: throughput of a bot under closed-loop chats, and a fixed offered load."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench.client import WebhookClient
from bench.fakebot import FakeBotApi
from bench.load import closed_loop, drain, open_loop, reply_times
from bench.parts import PARTS, WALLS, read_parts
from bench.procs import CpuMeter
from bench.script import Script, Updates
from bench.servers import Target
from bench.stats import peak_rates, percentile

__all__ = ["FixedLoad", "TelegramFigures", "Throughput", "fixed_load", "throughput"]

# Calls that count against Telegram's send limits (answerCallbackQuery, getMe… don't).
LIMITED = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})
REST = "webhook, dispatch, chat locks"


@dataclass(frozen=True)
class Throughput:
    """Updates answered per second with every chat waiting for each reply."""

    name: str
    per_second: float
    sent: int
    unanswered: int
    rss: int
    cpu_ms: float  # the web process's CPU per answered update
    database_cpu_ms: float  # PostgreSQL's CPU per answered update
    limited_calls: float  # Bot API calls within Telegram's send limits, per answered update
    calls: float  # every Bot API call, per answered update
    in_answers: float  # methods carried by the webhook's 200 instead (a tap's answer), per update
    parts_ms: dict[str, float]  # CPU per answered update of each part (bench/parts.py)


@dataclass(frozen=True)
class FixedLoad:
    """Acknowledgement and reply times, memory and send rates at a fixed offered load."""

    name: str
    rate: float
    seconds: float
    sent: int
    refused: int  # answers other than 200, re-deliveries included
    ack_p50: float | None
    ack_p99: float | None
    ack_max: float | None
    reply_p50: float | None
    reply_p99: float | None
    replied: int
    expecting: int
    answered_per_second: float
    drained: float
    rss: int
    sends_peak: int  # sendMessage per 1 s, overall
    chat_calls_peak: int  # sends and edits per 1 s, overall
    chat_calls_5s: float  # sends and edits per 5 s, divided by 5
    per_chat_peak: int  # sendMessage per 1 s in one chat


@dataclass(frozen=True)
class TelegramFigures:
    """Everything the Telegram phases measured."""

    ceiling: Throughput
    ours: Throughput
    lifted: FixedLoad | None
    limited: FixedLoad


async def throughput(
    name: str,
    target: Target,
    fake: FakeBotApi,
    script: Script,
    updates: Updates,
    *,
    chats: int,
    seconds: float,
    warmup: float,
    first_chat: int,
) -> Throughput:
    """Closed loop: count updates fully answered per second after a warm-up."""
    client = WebhookClient(target.child.port, target.path, target.secret)
    fake.reset()
    meter = CpuMeter(target.child.process.pid)
    cpu_before, parts_before = meter.snapshot(), read_parts(target.parts)
    started = time.monotonic()
    try:
        sent, unanswered = await closed_loop(
            client, fake, script, updates, chats=chats, duration=seconds, first_chat=first_chat
        )
    finally:
        await client.close()
    web_cpu, database_cpu = meter.since(cpu_before)
    await asyncio.sleep(0.6)  # the parts' totals are written twice a second
    parts_after = read_parts(target.parts)
    window = (started + warmup, started + seconds)
    done = sum(window[0] <= s.replied <= window[1] for s in sent)
    rate = done / (seconds - warmup)
    answered = max(1, sum(s.replied > 0 for s in sent))
    result = Throughput(
        name,
        rate,
        len(sent),
        unanswered,
        target.child.memory.peak,
        cpu_ms=web_cpu / answered * 1000,
        database_cpu_ms=database_cpu / answered * 1000,
        limited_calls=sum(c.method in LIMITED for c in fake.calls) / answered,
        calls=len(fake.calls) / answered,
        in_answers=client.in_answers / answered,
        parts_ms={
            part: (parts_after[part] - parts_before[part]) / answered * 1000
            for part in parts_before
        }
        if target.parts is not None
        else {},
    )
    print(
        f"  {name}: {rate:.0f} updates/s, CPU per update {result.cpu_ms:.1f} ms "
        f"(+ PostgreSQL {result.database_cpu_ms:.1f} ms); {len(sent)} sent, "
        f"{unanswered} unanswered; Bot API calls per update {result.limited_calls:.2f} "
        f"within the send limits, {result.calls:.2f} in all (+ {result.in_answers:.2f} carried "
        "by the webhook's 200)"
    )
    if result.parts_ms:
        cpu = {part: result.parts_ms[part] for part in PARTS}
        rest = result.cpu_ms - sum(cpu.values())
        shown = ", ".join(f"{part} {ms:.1f} ms" for part, ms in cpu.items())
        print(f"    CPU per update by part: {shown}, rest {rest:.1f} ms ({REST})")
        walls = ", ".join(f"{part} {result.parts_ms[part]:.1f} ms" for part in WALLS)
        print(f"    the same parts from start to end (their thread's wait included): {walls}")
    return result


async def fixed_load(
    name: str,
    target: Target,
    fake: FakeBotApi,
    script: Script,
    updates: Updates,
    *,
    rate: float,
    seconds: float,
    lanes: int,
    drain_seconds: float,
    first_chat: int,
) -> FixedLoad:
    """Open loop at `rate` updates/s for `seconds`, then wait up to `drain_seconds` for replies."""
    client = WebhookClient(target.child.port, target.path, target.secret)
    fake.reset()
    try:
        sent = await open_loop(
            client,
            fake,
            script,
            updates,
            rate=rate,
            duration=seconds,
            lanes=lanes,
            first_chat=first_chat,
        )
    finally:
        await client.close()
    end_of_load = max(s.acked for s in sent)
    drained = await drain(fake, script, sent, drain_seconds)
    acks = [s.acked - s.due for s in sent]
    pairs = reply_times(fake, script, sent)
    replies = [r for _, r in pairs]
    answered = [r for r in replies if r is not None]
    in_load = sum(r is not None and s.due + r <= end_of_load for s, r in pairs)
    start = min(s.due for s in sent)
    sends, chat_calls, chat_calls_5s, per_chat = peak_rates(fake.calls)
    result = FixedLoad(
        name=name,
        rate=rate,
        seconds=seconds,
        sent=len(sent),
        refused=sum(s.refusals + (s.status != 200) for s in sent),
        ack_p50=percentile(acks, 50),
        ack_p99=percentile(acks, 99),
        ack_max=max(acks),
        reply_p50=percentile(replies, 50),
        reply_p99=percentile(replies, 99),
        replied=len(answered),
        expecting=len(replies),
        answered_per_second=in_load / (end_of_load - start),
        drained=drained,
        rss=target.child.memory.peak,
        sends_peak=sends,
        chat_calls_peak=chat_calls,
        chat_calls_5s=chat_calls_5s,
        per_chat_peak=per_chat,
    )
    print(
        f"  {name}: {len(sent)} updates, ack p99 {result.ack_p99 or 0:.3f} s, "
        f"{len(answered)}/{len(replies)} replied (drain {drained:.0f} s)"
    )
    return result
