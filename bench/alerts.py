"""`python -m bench.alerts [--quick]`: an alert's fan-out to many subscribers beside tipsters'
interviews, printed, never asserted.

On PostgreSQL (database homeward_bench_alerts, created and dropped; HOMEWARD_BENCH_ALERTS_DB
to change) and Redis (database 12, flushed; HOMEWARD_BENCH_ALERTS_REDIS to change), with a
fake Bot API in this process: 100,000 synthetic subscribers (points across China, a tenth by
province), one case missing in Guangzhou two days ago (the 500 km radius), published by a
lead. The real alert worker (bench/alerts_worker.py) sends for --seconds with nobody being
answered, is killed with SIGKILL half way, and after the sweeper's recovery sends on; then
the real web process (`homeward serve`) answers tipsters' interviews while the worker is
stopped (SIGSTOP) and continued in turns of 5 s, so that reply times with and without the
fan-out come from the same minutes of a shared machine. Printed: time to target and queue,
messages/s against Telegram's 30/s and the most in any one second, the time to reach every
targeted subscriber, whether they were reached nearest first, duplicates, reply p50/p99
with the fan-out sending and stopped, and what counting a reply in the shared pace costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis
from rq import Queue

from bench.alerts_replies import NoteCost, Replies, interviews, note_cost
from bench.alerts_world import (
    FIRST_SUBSCRIBER,
    REDIS_URL,
    publish,
    ranks,
    scratch_database,
    seed_subscribers,
    worker,
)
from bench.fakebot import FakeBotApi
from bench.script import Updates
from bench.servers import Stack, homeward
from bench.stats import max_per_window
from storage import DeliveryKind, FieldCipher, generate_key, make_engine, upgrade, utcnow
from triage.alerts import ALERT_QUEUE, enqueue_fanout
from triage.alerts.fanout import LEASE, resume_fanouts

TELEGRAM_CAP = 30.0
Sends = list[tuple[float, int]]


@dataclass(frozen=True)
class Plan:
    """How big and how long."""

    subscribers: int
    seconds: float  # the fan-out alone, both workers together
    interviews: float  # tipsters answered, the fan-out stopped and continued in turns


PLANS = {"full": Plan(100_000, 60.0, 120.0), "quick": Plan(20_000, 30.0, 40.0)}
STARTING = 5.0  # seconds a worker takes to start (its CPU then is not the fan-out's)
BLOCK = 5.0  # seconds the fan-out runs, then is stopped, in turns, while tipsters are answered


def _sends(fake: FakeBotApi) -> Sends:
    """(arrival, chat id) of every alert message so far."""
    return [
        (c.at, c.chat_id or 0)
        for c in list(fake.calls)
        if c.method == "sendmessage" and (c.chat_id or 0) >= FIRST_SUBSCRIBER
    ]


def _cpu(pid: int) -> float:
    """CPU seconds of a worker and its work-horses (rq forks one per job)."""
    process = psutil.Process(pid)
    total = 0.0
    for one in [process, *process.children(recursive=True)]:
        times = one.cpu_times()
        total += times.user + times.system + times.children_user + times.children_system
    return total


async def _kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)  # mid-fan-out, wherever it is
    await asyncio.to_thread(process.wait)


@dataclass
class Run:
    """What one run measured."""

    phases: list[Sends]  # the fan-out alone: before the kill, after it
    during: Sends  # alert messages sent while tipsters were answered (in turns)
    without: Replies
    alongside: Replies
    worker_ms: float  # the second worker's CPU per message, once started


async def fan_out_and_interviews(plan: Plan, url: str, key: str, alert_id: int) -> Run:
    """The web process answers tipsters; the worker sends, is killed, sends on, beside them."""
    queue = Queue(ALERT_QUEUE, connection=redis.Redis.from_url(REDIS_URL))
    fake, updates = FakeBotApi(), Updates(1)
    port = await fake.start()
    logs = Path(tempfile.mkdtemp(prefix="homeward-bench-alerts-"))
    stack = Stack(url, REDIS_URL, port, logs / "data", key)
    try:
        async with homeward(stack, lifted=False, log=logs / "web.log") as web:
            enqueue_fanout(queue, alert_id, DeliveryKind.ALERT)
            first = worker(url, key, port)
            await asyncio.sleep(plan.seconds / 2)
            await _kill(first)
            before_kill = len(_sends(fake))
            engine = make_engine(url)
            resume_fanouts(engine, queue, now=utcnow() + LEASE * 2)  # the lease has passed
            engine.dispose()
            second = worker(url, key, port)
            await asyncio.sleep(STARTING)
            cpu, sent = _cpu(second.pid), len(_sends(fake))
            await asyncio.sleep(plan.seconds / 2 - STARTING)
            alone = len(_sends(fake))
            worker_ms = (_cpu(second.pid) - cpu) / max(1, alone - sent) * 1000
            without, alongside = await interviews(
                web, fake, updates, second.pid, seconds=plan.interviews, block=BLOCK,
                first_chat=5_000_000, first_subscriber=FIRST_SUBSCRIBER,
            )  # fmt: skip
            await _kill(second)
            sends = _sends(fake)
    finally:
        await fake.close()
    phases = [sends[:before_kill], sends[before_kill:alone]]
    return Run(phases, sends[alone:], without, alongside, worker_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 subscribers, under 2 min")
    parser.add_argument("--subscribers", type=int, help="instead of 100,000 (20,000 quick)")
    parser.add_argument("--seconds", type=float, help="the fan-out alone (60 s, 30 s quick)")
    args = parser.parse_args()
    plan = PLANS["quick" if args.quick else "full"]
    plan = Plan(args.subscribers or plan.subscribers, args.seconds or plan.seconds, plan.interviews)
    key, client = generate_key(), redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    cost = note_cost(REDIS_URL)
    with scratch_database() as url:
        upgrade(url)
        seeded = seed_subscribers(url, FieldCipher(key), plan.subscribers)
        alert_id, targeted, publishing = publish(url)
        print(f"subscribers {plan.subscribers:,} seeded in {seeded:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}")  # fmt: skip
        run = asyncio.run(fan_out_and_interviews(plan, url, key, alert_id))
        order = ranks(url, alert_id)
    client.flushdb()
    report(targeted, publishing, run, order, cost)


def _rate(sends: Sends) -> float:
    return (len(sends) - 1) / (sends[-1][0] - sends[0][0]) if len(sends) > 1 else 0.0


def report(
    targeted: int, publishing: float, run: Run, order: dict[int, int], cost: NoteCost
) -> None:
    """Print the figures."""
    phases = [p for p in run.phases if len(p) > 1]
    busy = sum(p[-1][0] - p[0][0] for p in phases)
    rate = sum(len(p) - 1 for p in phases) / busy if busy else 0.0
    peak = max((max_per_window(at for at, _ in p) for p in phases), default=0)
    every = [s for p in run.phases for s in p] + run.during
    received = Counter(chat for _, chat in every)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    sequence = [order.get(chat, -1) for _, chat in every]
    inversions = sum(1 for a, b in zip(sequence, sequence[1:], strict=False) if b < a)
    without, alongside = run.without, run.alongside
    ratio = (alongside.p99 or 0) / without.p99 if without.p99 else 0.0
    median_ratio = (alongside.p50 or 0) / without.p50 if without.p50 else 0.0
    print(
        f"targeted (500 km + prov.)  {targeted:>10,}   (targeted and queued in {publishing:.1f} s)"
    )
    print(
        f"sent with nobody answered  {len(run.phases[0]) + len(run.phases[1]):>10,}   "
        f"({len(run.phases[0])} before kill -9, {len(run.phases[1])} after)"
    )
    print(
        f"messages/s while sending   {rate:>10.1f}   ({rate / TELEGRAM_CAP:.2f} of Telegram's 30/s; "
        f"phases {_rate(run.phases[0]):.1f}, {_rate(run.phases[1]):.1f}; target ≥ 0.9: "
        f"{'met' if rate >= 0.9 * TELEGRAM_CAP else 'MISSED'})"
    )
    print(
        f"most in any 1 s (alone)    {peak:>10}   (Telegram's limit 30: "
        f"{'kept' if peak <= TELEGRAM_CAP else 'EXCEEDED'})"
    )
    if rate:
        print(
            f"time to reach all targeted {targeted / rate / 60:>10.1f} min "
            f"(at 30/s: {targeted / TELEGRAM_CAP / 60:.1f} min)"
        )
    print(
        f"nearest first              {'yes' if inversions == 0 else 'no':>10}   "
        f"({inversions} out-of-order pairs, {len(every):,} messages)"
    )
    print(f"duplicates after kill -9   {duplicates:>10}")
    print(f"worker CPU per message     {run.worker_ms:>10.1f} ms")
    print(
        f"reply p50 / p99, stopped   {_ms(without.p50)} / {_ms(without.p99)}   "
        f"({without.replied}/{without.expecting} replied)"
    )
    print(
        f"reply p50 / p99, sending   {_ms(alongside.p50)} / {_ms(alongside.p99)}   "
        f"({alongside.replied}/{alongside.expecting} replied)"
    )
    print(
        f"p99 sending ÷ stopped      {ratio:>10.2f}   (target ≤ 1.5: "
        f"{'met' if 0 < ratio <= 1.5 else 'MISSED'}; p50 ÷ p50 {median_ratio:.2f})"
    )
    print(
        f"fan-out beside replies     {alongside.fanout_per_second:>10.1f}   alert messages/s beside "
        f"{alongside.replies_per_second:.1f} replies/s; most in any 1 s, both: {alongside.peak}"
    )
    print(
        f"a reply's note             {cost.note_us:>10.1f} µs on the reply path (a queue put); "
        f"hand-over to Redis {cost.handover_ms:.2f} ms median, {cost.handover_p99_ms:.2f} ms p99, "
        "in the pace's thread"
    )


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:>7.0f} ms"


if __name__ == "__main__":
    main()
