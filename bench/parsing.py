"""Parsing benchmark: how long each free-text answer parser takes per call, once warm.

Run with `python -m bench.parsing [--calls 500]`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from handlers.answers import parse_age, parse_phone, parse_when
from handlers.dialects import dialect_from_text
from handlers.places import parse_place

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CASES: dict[str, Callable[[], object]] = {
    "place (zh + en)": lambda: parse_place(
        "我是在四川省成都市武侯区火车站附近看到这个孩子的 near Chengdu railway station"
    ),
    "when (zh)": lambda: parse_when("昨天下午三点", now=NOW, timezone="Asia/Shanghai"),
    "when (en)": lambda: parse_when("last Tuesday evening", now=NOW, timezone="Asia/Shanghai"),
    "age": lambda: parse_age("大概七八岁"),
    "phone": lambda: parse_phone("138 0013 8000", region="CN"),
    "dialect": lambda: dialect_from_text("孩子说的是四川话，还提到了凉山"),
}


def per_call(case: Callable[[], object], calls: int) -> tuple[float, float]:
    """Milliseconds for the first (cold) call and per call afterwards."""
    started = time.perf_counter()
    case()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(calls):
        case()
    return cold * 1000, (time.perf_counter() - started) / calls * 1000


def main() -> None:
    """Time every parser and print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.parsing", description=__doc__)
    parser.add_argument("--calls", type=int, default=500, help="warm calls per parser")
    calls = parser.parse_args().calls
    print(f"| parser | first call | per call, warm ({calls} calls) |")
    print("| --- | --- | --- |")
    for name, case in CASES.items():
        cold, warm = per_call(case, calls)
        print(f"| {name} | {cold:.1f} ms | {warm:.3f} ms |")


if __name__ == "__main__":
    main()
