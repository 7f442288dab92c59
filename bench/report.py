"""The printout: what machine this was, then one table of figures against the targets."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psycopg
import redis

from bench.parts import PARTS
from bench.phases import FixedLoad, TelegramFigures, Throughput
from bench.procs import PG_ADMIN, REDIS_URL
from bench.stats import ms
from bench.wechat_run import WeChatRun
from bench.worker import WorkerRun

__all__ = ["print_header", "print_summary"]

MB = 1024 * 1024


def print_header(mode: str) -> None:
    """Date, machine and versions, so the figures can be read in context."""
    with psycopg.connect(PG_ADMIN) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    client = redis.Redis.from_url(REDIS_URL)
    redis_version = client.info("server")["redis_version"]
    client.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Homeward benchmark ({mode} run), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {os.cpu_count()} cores, load average {load} at the start; Python "
        f"{platform.python_version()}, PostgreSQL {row[0] if row else '?'}, Redis "
        f"{redis_version}, python-telegram-bot {version('python-telegram-bot')}"
    )


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "MISSED")


def _throughput(tp: Throughput) -> str:
    return (
        f"{tp.per_second:.0f} updates/s; CPU {tp.cpu_ms:.1f} ms/update "
        f"(+ PostgreSQL {tp.database_cpu_ms:.1f} ms)"
    )


def _fixed_rows(run: FixedLoad, label: str) -> list[tuple[str, str, str, str]]:
    rows = [
        (
            f"ack p50 / p99 / max, {label}",
            f"{ms(run.ack_p50)} / {ms(run.ack_p99)} / {ms(run.ack_max)}",
            "p99 < 200 ms",
            _verdict(run.ack_p99 is not None and run.ack_p99 < 0.2),
        ),
        (
            f"reply p50 / p99, {label}",
            f"{ms(run.reply_p50)} / {ms(run.reply_p99)}",
            "",
            "",
        ),
        (
            f"replies seen ({run.drained:.0f} s drain), answered/s under load, {label}",
            f"{run.replied} of {run.expecting}, {run.answered_per_second:.0f}/s",
            "",
            "",
        ),
    ]
    if run.refused:
        rows.append((f"webhook answers other than 200, {label}", str(run.refused), "0", ""))
    return rows


def print_summary(
    figures: TelegramFigures, worker: WorkerRun, wechat: WeChatRun, logs: Path
) -> None:
    """The results table (Markdown, ready for the README) and where the logs are."""
    ceiling, ours, limited = figures.ceiling, figures.ours, figures.limited
    ratio = ours.per_second / ceiling.per_second if ceiling.per_second else 0.0
    load = f"{limited.rate:.0f} updates/s for {limited.seconds:.0f} s"
    rows: list[tuple[str, str, str, str]] = [
        (f"{tp.name} throughput, send limits lifted", _throughput(tp), "", "")
        for tp in (ceiling, ours)
    ]
    rows.append(("(a)/(b) throughput", f"{ratio:.2f}", "≥ 0.5", _verdict(ratio >= 0.5)))
    cost = (ceiling.cpu_ms + ceiling.database_cpu_ms) / (ours.cpu_ms + ours.database_cpu_ms)
    rows.append(("(b)/(a) CPU per update, PostgreSQL's included", f"{cost:.2f}", "", ""))
    if ours.parts_ms:
        cpu = {part: ours.parts_ms[part] for part in PARTS}
        shown = "; ".join(f"{part} {value:.1f} ms" for part, value in cpu.items())
        rest = ours.cpu_ms - sum(cpu.values())
        rows.append(("(a) CPU per update by part", f"{shown}; rest {rest:.1f} ms", "", ""))
    rows.append(
        (
            "(a) Bot API calls per interview update within the send limits (all calls; "
            "taps answered in the webhook's 200)",
            f"{ours.limited_calls:.2f} ({ours.calls:.2f}; {ours.in_answers:.2f})",
            "≤ 1.1",
            _verdict(ours.limited_calls <= 1.1),
        )
    )
    if figures.lifted is not None:
        rows += _fixed_rows(figures.lifted, f"{load}, limits lifted")
    rows += _fixed_rows(limited, f"{load}, `homeward serve`")
    rows += [
        (
            "outbound, `homeward serve`: sends and edits per 5 s ÷ 5 (peak 1 s: sends and edits"
            " / sendMessage, as seen by the fake)",
            f"{limited.chat_calls_5s:.1f}/s ({limited.chat_calls_peak} / {limited.sends_peak})",
            "≤ 30/s",
            _verdict(limited.chat_calls_5s <= 30),
        ),
        (
            "outbound peak per 1 s in one chat (sendMessage), `homeward serve`",
            str(limited.per_chat_peak),
            "≤ 1",
            _verdict(limited.per_chat_peak <= 1),
        ),
        (
            "web process peak RSS, `homeward serve`",
            f"{limited.rss / MB:.0f} MB",
            "< 250 MB",
            _verdict(limited.rss < 250 * MB),
        ),
        (
            "WeChat reply p50 / p99 (4× re-delivery); p99 when all submit at once",
            f"{ms(wechat.p50)} / {ms(wechat.p99)}; {ms(wechat.submit_p99)}",
            "p99 < 500 ms",
            _verdict(None if wechat.p99 is None else wechat.p99 < 0.5),
        ),
        (
            "(d) worker, follow-up jobs (`homeward worker --burst`)",
            f"{worker.per_second:.0f} jobs/s ({worker.finished} jobs, {worker.failed} failed)",
            "",
            "",
        ),
    ]
    print()
    print("| figure | measured | target | |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\npeak RSS: echo bot {ceiling.rss / MB:.0f} MB, Homeward lifted {ours.rss / MB:.0f} MB")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load}; logs of the child processes: {logs}")
