"""What `bench.wechat` prints: reply times overall and per interview step, CPU per request."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import psutil

__all__ = ["CpuClock", "Times", "print_figures"]


@dataclass
class Times:
    """Reply times in seconds, by interview step (the index into the answers sent)."""

    steps: Sequence[str]
    by_step: dict[int, list[float]] = field(default_factory=dict)

    def add(self, step: int, seconds: float) -> None:
        """One delivery's reply time."""
        self.by_step.setdefault(step, []).append(seconds)

    def all(self) -> list[float]:
        """Every reply time."""
        return [t for times in self.by_step.values() for t in times]


class CpuClock:
    """CPU seconds (user + system) spent by one process, between `start` and `stop`."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.started = self.seconds = 0.0

    def _now(self) -> float:
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def start(self) -> None:
        """Begin counting."""
        self.started = self._now()

    def stop(self) -> float:
        """Stop counting; the CPU seconds spent since `start`."""
        self.seconds = self._now() - self.started
        return self.seconds


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _cuts(times: list[float]) -> tuple[float, float]:
    """p50 and p99 of `times` (one value: itself)."""
    if len(times) < 2:
        return times[0], times[0]
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[98]


def print_figures(
    times: Times,
    totals: dict[str, int],
    wall: float,
    stored: dict[str, int],
    cpu: dict[str, float],
) -> None:
    """Print the figures: overall line first (`bench.wechat_run` reads its p50 and p99)."""
    every = times.all()
    cuts = statistics.quantiles(every, n=100, method="inclusive")
    print(f"requests {len(every)} in {wall:.1f} s ({len(every) / wall:.0f}/s)")
    print(
        f"reply time  p50 {_ms(cuts[49])}  p90 {_ms(cuts[89])}  p99 {_ms(cuts[98])}  "
        f"max {_ms(max(every))}  over 5 s: {sum(t >= 5 for t in every)}"
    )
    last = max(times.by_step)
    for step, step_times in sorted(times.by_step.items()):
        p50, p99 = _cuts(step_times)
        what = "submit, all followers at once" if step == last else "step"
        print(
            f"  {what} {step + 1} ({times.steps[step]!r}): n {len(step_times)}  "
            f"p50 {_ms(p50)}  p99 {_ms(p99)}  max {_ms(max(step_times))}"
        )
    print(
        f"passive replies {totals['answered']}, 'success' (late) {totals['success']}, "
        f"errors {totals['errors']}, re-deliveries with differing replies {totals['mismatch']}"
    )
    parts = "  ".join(
        f"{name} {seconds / len(every) * 1000:.1f} ms" for name, seconds in cpu.items()
    )
    print(f"CPU per request: {parts}")
    print(f"stored: {stored}")
