"""CPU of the parts of an update inside the web process under test, by the thread that ran it.

bench/serve.py wraps the interview's transaction (`InterviewTurns.handle`: on the event
loop, timed step by step of its own coroutine, so not the other tasks that run while it
waits; and `Intake.handle` when it goes to a thread, where `time.thread_time` around it is
its CPU, not its neighbours'), the inbox's store and the reply (`Inbox.keep` and
`ReplySender`: the update's INSERT on the inbox's own asyncio connection, the replies' Bot
API calls through PTB and httpx; both on the event loop, timed step by step as well),
and writes the running totals to a file twice a second; the throughput phase reads them
before and after, and what is left of the process's CPU is the rest: webhook, dispatch and
chat locks.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

__all__ = ["PARTS", "WALLS", "read_parts", "track_parts"]

PARTS = ("store", "interview", "reply")
WALLS = tuple(f"{part} wall" for part in PARTS)  # the same parts' time from start to end
_totals = dict.fromkeys(PARTS + WALLS, 0.0)
_lock = threading.Lock()


_timing: ContextVar[bool] = ContextVar("bench_timing", default=False)


def _add(part: str, seconds: float) -> None:
    with _lock:
        _totals[part] += seconds


def _timed(part: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        started, wall = time.thread_time(), time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _add(part, time.thread_time() - started)
            _add(f"{part} wall", time.perf_counter() - wall)

    return run


class _Stepped:
    """Await a coroutine, adding the CPU of each of its steps (not of what runs between)."""

    def __init__(self, coroutine: Coroutine[Any, Any, Any], part: str) -> None:
        self._coroutine, self._part = coroutine, part

    def __await__(self) -> Generator[Any, Any, Any]:
        inner = self._coroutine.__await__()
        value: Any = None
        error: BaseException | None = None
        while True:
            started = time.thread_time()
            try:
                signal = inner.throw(error) if error is not None else inner.send(value)
            except StopIteration as stop:
                _add(self._part, time.thread_time() - started)
                return stop.value
            except BaseException:
                _add(self._part, time.thread_time() - started)
                raise
            _add(self._part, time.thread_time() - started)
            value, error = None, None
            try:
                value = yield signal
            except BaseException as caught:  # a cancellation goes on into the coroutine
                error = caught


def _timed_async(part: str, func: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def run(*args: Any, **kwargs: Any) -> Any:
        if _timing.get():  # called by another timed method: counted there already
            return await func(*args, **kwargs)
        token, wall = _timing.set(True), time.perf_counter()
        try:
            return await _Stepped(func(*args, **kwargs), part)  # type: ignore[arg-type]
        finally:
            _timing.reset(token)
            _add(f"{part} wall", time.perf_counter() - wall)

    return run


def track_parts(path: Path) -> None:
    """Time the store, the interview's transaction and the reply from now on; totals go to
    `path`."""
    from bot.telegram.inbox import Inbox
    from bot.telegram.interview_turns import InterviewTurns
    from bot.telegram.replying import ReplySender
    from handlers import Intake

    Inbox.keep = _timed_async("store", Inbox.keep)  # type: ignore[method-assign]
    InterviewTurns.handle = _timed_async("interview", InterviewTurns.handle)  # type: ignore[method-assign]
    Intake.handle = _timed("interview", Intake.handle)  # type: ignore[method-assign]
    for name in ("send", "after_tap", "acknowledge", "notice"):
        setattr(ReplySender, name, _timed_async("reply", getattr(ReplySender, name)))

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
