"""CPU of the parts of an update inside the web process under test, by the thread that ran it.

bench/serve.py wraps the inbox's store and the intake's transaction (both run in a thread of
their own, so `time.thread_time` around them is their CPU, not their neighbours') and writes
the running totals to a file twice a second; the throughput phase reads them before and
after, and what is left of the process's CPU is the rest: webhook, dispatch, chat locks and
the Bot API calls of the replies.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["PARTS", "WALLS", "read_parts", "track_parts"]

PARTS = ("store", "interview")
WALLS = tuple(f"{part} wall" for part in PARTS)  # the same parts' time from start to end
_totals = dict.fromkeys(PARTS + WALLS, 0.0)
_lock = threading.Lock()


def _timed(part: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        started, wall = time.thread_time(), time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent, waited = time.thread_time() - started, time.perf_counter() - wall
            with _lock:
                _totals[part] += spent
                _totals[f"{part} wall"] += waited

    return run


def track_parts(path: Path) -> None:
    """Time the store and the interview's transaction from now on; totals go to `path`."""
    from bot.telegram.inbox import Inbox
    from handlers import Intake

    Inbox.store = _timed("store", Inbox.store)  # type: ignore[method-assign]
    Intake.handle = _timed("interview", Intake.handle)  # type: ignore[method-assign]

    def write() -> None:
        while True:
            with _lock:
                snapshot = dict(_totals)
            path.write_text(json.dumps(snapshot))
            time.sleep(0.5)

    threading.Thread(target=write, name="bench-parts", daemon=True).start()


def read_parts(path: Path | None) -> dict[str, float]:
    """The CPU (and wall) seconds spent in each part so far (zeros if nothing was written)."""
    try:
        data = json.loads(path.read_text()) if path is not None else {}
    except (OSError, ValueError):
        data = {}
    return {part: float(data.get(part, 0.0)) for part in PARTS + WALLS}
