"""Replies counted in the shared pace (pacing.py): the web process's off the reply path, the
worker's sends (follow-ups, relays, the coordinators' group) as they go.

A reply's Bot API call only puts its moment in a queue (about a microsecond, no I/O); one
thread hands what gathers over `GATHER` seconds to Redis in a single script call, so the
fan-out hears of a reply within that and a Redis round trip (it keeps room for the bursts of
replies it has heard of, so a note a few hundredths of a second late crowds nothing), and a
slow or absent Redis never holds a reply up (the notes it could not take are dropped, and
logged). One call per gathering rather than per reply: at a hundred replies a second, a call
each cost the web process more CPU than a tenth of its updates' own work (the thread's
wake-ups, its Redis round trips, the GIL passed back and forth).
"""

from __future__ import annotations

import logging
import queue
import threading
import time

import redis

from triage.alerts.pacing import note_replies

__all__ = ["ReplyPace"]

log = logging.getLogger(__name__)
_BATCH = 256  # moments per script call at most
GATHER = 0.05  # seconds the first note waits for others to go in the same call
_STOP = -1.0
_QUIET = 60.0  # seconds between two warnings about Redis


class ReplyPace:
    """Counts one platform's replies to tipsters in the pace the alert fan-out keeps to."""

    def __init__(
        self, client: redis.Redis, platform: str, *, per_second: float, gather: float = GATHER
    ) -> None:
        self._client, self._platform, self._per_second = client, platform, per_second
        self._gather = gather
        self._moments: queue.SimpleQueue[float] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._warned = 0.0
        self.noted = 0  # replies handed to Redis so far (for tests and benchmarks)
        self.calls = 0  # script calls that handed them over
        self._taken = 0  # notes taken by `note` (on the caller's thread)
        self._through = 0  # notes handed over or dropped (on the pace's thread)
        self._progress = threading.Condition()

    def note(self) -> None:
        """A reply goes now (called just before its Bot API call; never blocks)."""
        self._taken += 1
        self._moments.put(time.time())

    def settle(self, timeout: float) -> bool:
        """Wait until every note taken so far is handed over (or dropped); True if so."""
        target = self._taken
        with self._progress:
            if self._thread is None:
                return self._through >= target
            return self._progress.wait_for(lambda: self._through >= target, timeout)

    def note_now(self) -> None:
        """A send counted at once, in this thread: for the worker's jobs, which have no
        tipster waiting on them (a Redis error is logged, never raised)."""
        self._hand_over([time.time()])

    def start(self) -> None:
        """Start handing notes to Redis."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="reply-pace", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 1.0) -> None:
        """Hand over what is queued (within `timeout`), then stop."""
        if self._thread is not None:
            self._moments.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while True:
            batch = [self._moments.get()]
            if batch[0] != _STOP and self._gather > 0:
                time.sleep(self._gather)  # one wake-up, whatever comes meanwhile
            while len(batch) < _BATCH and not self._moments.empty():
                batch.append(self._moments.get())
            moments = [m for m in batch if m != _STOP]
            if moments:
                self._hand_over(moments)
                with self._progress:
                    self._through += len(moments)
                    self._progress.notify_all()
            if len(moments) < len(batch):
                return

    def _hand_over(self, moments: list[float]) -> None:
        try:
            note_replies(self._client, self._platform, moments, per_second=self._per_second)
            self.noted += len(moments)
            self.calls += 1
        except Exception as error:  # Redis away, or anything else: never the replies' problem
            if time.monotonic() - self._warned > _QUIET:
                self._warned = time.monotonic()
                log.warning(
                    "replies not counted in the alerts' pace (%s): a fan-out may crowd them",
                    type(error).__name__,
                )
