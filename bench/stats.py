"""Small figures from raw timings: percentiles (with missing values) and peak rates."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from bench.fakebot import Call

__all__ = ["max_per_window", "ms", "peak_rates", "percentile"]


def percentile(values: Sequence[float | None], q: float) -> float | None:
    """The q-th percentile (nearest rank); None counts as slower than everything (∞)."""
    if not values:
        return None
    ordered = sorted(math.inf if v is None else v for v in values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(value: float | None) -> str:
    """Seconds as milliseconds for a table ("–" when unknown, "never" when missing)."""
    if value is None:
        return "–"
    if math.isinf(value):
        return "not seen"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.0f} s"


def max_per_window(times: Iterable[float], window: float = 1.0) -> int:
    """The most events in any `window`-long interval (sliding, not calendar seconds)."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


def peak_rates(calls: Sequence[Call]) -> tuple[int, int, float, int]:
    """Peaks: sendMessage per 1 s; sends and edits per 1 s, and per 5 s ÷ 5; one chat per 1 s."""
    sends = [c for c in calls if c.method == "sendmessage"]
    chat_calls = [c.at for c in calls if c.chat_id is not None and c.method != "getme"]
    per_chat: defaultdict[int, list[float]] = defaultdict(list)
    for call in sends:
        if call.chat_id is not None:
            per_chat[call.chat_id].append(call.at)
    busiest = max((max_per_window(t) for t in per_chat.values()), default=0)
    return (
        max_per_window(c.at for c in sends),
        max_per_window(chat_calls),
        max_per_window(chat_calls, 5.0) / 5,
        busiest,
    )
