"""`python -m bench [--quick]`: Homeward's performance on this machine, printed, never asserted.

Runs, one after another, on PostgreSQL (database homeward_bench, created and dropped) and
Redis (database 9, flushed) at 127.0.0.1, against a fake Bot API in this process:
(b) a bare python-telegram-bot echo bot and (a) Homeward's web process under closed-loop
chats (throughput, Telegram's send limits lifted so the software itself is measured);
Homeward under an open-loop 100 updates/s (limits lifted, full run only, then the real
`homeward serve` with Telegram's limits); (d) `homeward worker --burst` on the follow-up jobs
of the submitted sightings (topped up through the intake); (c) `bench.wechat`. Then a
summary against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.fakebot import FakeBotApi
from bench.phases import FixedLoad, TelegramFigures, Throughput, fixed_load, throughput
from bench.procs import PG_ADMIN, database, scratch_redis
from bench.report import print_header, print_summary
from bench.script import ECHO, SIGHTING, Script, Updates
from bench.seed import discard_backlog, report_count, seed_reports
from bench.servers import Stack, Target, echo_bot, homeward
from bench.wechat_run import run_wechat
from bench.worker import run_worker

RATE = 100.0  # the fixed offered load, updates per second
LANES = 200  # chats answering at once in the open loop: each answers every 2 s
CHATS = 64  # closed-loop chats in the throughput phases


@dataclass(frozen=True)
class Plan:
    """How long each phase runs."""

    throughput_seconds: float
    warmup_seconds: float
    fixed_seconds: float
    drain_seconds: float
    lifted_fixed: bool
    reports: int  # at least this many reports' jobs for the worker
    wechat_users: int


PLANS = {
    "full": Plan(20, 3, 60, 60, lifted_fixed=True, reports=100, wechat_users=20),
    "quick": Plan(8, 2, 15, 10, lifted_fixed=False, reports=20, wechat_users=5),
}


async def telegram(plan: Plan, stack: Stack, fake: FakeBotApi, logs: Path) -> TelegramFigures:
    """The Telegram phases, each bot in its own child process."""
    updates = Updates(1)  # one sequence: update ids are never reused within the database

    async def closed(name: str, bot: Target, script: Script, first_chat: int) -> Throughput:
        seconds, warmup = plan.throughput_seconds, plan.warmup_seconds
        return await throughput(
            name, bot, fake, script, updates, chats=CHATS, seconds=seconds, warmup=warmup,
            first_chat=first_chat,
        )  # fmt: skip

    async def fixed(name: str, bot: Target, first_chat: int, drain: float) -> FixedLoad:
        return await fixed_load(
            name, bot, fake, SIGHTING, updates, rate=RATE, seconds=plan.fixed_seconds,
            lanes=LANES, drain_seconds=drain, first_chat=first_chat,
        )  # fmt: skip

    async with echo_bot(stack.api_port, logs / "echo.log") as bot:
        ceiling = await closed("(b) echo bot", bot, ECHO, 1_000_000)
    async with homeward(stack, lifted=True, log=logs / "web-lifted.log") as bot:
        ours = await closed("(a) Homeward", bot, SIGHTING, 2_000_000)
        lifted = None
        if plan.lifted_fixed:
            lifted = await fixed("Homeward, limits lifted", bot, 3_000_000, 30)
    if (left := await asyncio.to_thread(discard_backlog, stack)) > 0:
        print(f"  ({left} updates still unanswered were marked done, not to be answered later)")
    async with homeward(stack, lifted=False, log=logs / "web.log") as bot:
        limited = await fixed("homeward serve", bot, 4_000_000, plan.drain_seconds)
    return TelegramFigures(ceiling, ours, lifted, limited)


async def with_fake(
    plan: Plan, stack_args: tuple[str, str, Path], logs: Path
) -> tuple[TelegramFigures, Stack]:
    """Run the Telegram phases with the fake Bot API serving in this event loop."""
    fake = FakeBotApi()
    api_port = await fake.start()
    try:
        stack = Stack(stack_args[0], stack_args[1], api_port, stack_args[2])
        return await telegram(plan, stack, fake, logs), stack
    finally:
        await fake.close()


def main() -> None:
    """Parse the flags, run every phase, print the summary."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases (about 1.5 minutes)")
    args = parser.parse_args()
    plan = PLANS["quick" if args.quick else "full"]
    logs = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    print_header("quick" if args.quick else "full")
    with database() as db_url, scratch_redis() as redis_url:
        print("Telegram (fake Bot API in this process):")
        figures, stack = asyncio.run(with_fake(plan, (db_url, redis_url, logs / "data"), logs))
        print("Worker:")
        if (missing := plan.reports - report_count(stack)) > 0:
            seconds = seed_reports(stack, missing)
            print(f"  {missing} more sightings submitted through the intake in {seconds:.0f} s")
        worker = run_worker(stack, logs / "worker.log")
        print("WeChat (bench.wechat):")
        wechat = run_wechat(
            users=plan.wechat_users,
            database_url=PG_ADMIN.replace("postgresql:", "postgresql+psycopg:"),
            redis_url=redis_url,
        )
    print_summary(figures, worker, wechat, logs)


if __name__ == "__main__":
    main()
