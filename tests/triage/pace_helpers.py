"""The fan-out's pace on a clock of its own: what the pacing tests share."""

from __future__ import annotations

from triage.alerts.pacing import Pacer

__all__ = ["START", "Clock", "fan_out", "most_in_a_second"]

START = 1_800_000_000.0


class Clock:
    """A clock that moves only when the pacer sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = START

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def most_in_a_second(moments: list[float]) -> int:
    """The most moments in any one-second interval."""
    ordered, best, first = sorted(moments), 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def fan_out(pacer: Pacer, clock: Clock, count: int, *, work: float = 0.0) -> list[float]:
    """The moments of `count` fan-out messages, each taking `work` seconds to send."""
    moments = []
    for _ in range(count):
        pacer.wait_turn()
        moments.append(clock.now)
        clock.now += work
    return moments
