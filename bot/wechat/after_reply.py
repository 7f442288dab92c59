"""One background thread that puts a submission's follow-up work on the queue after the reply.

The work is committed in the outbox with the answer before the reply goes out; queueing it
here, or not at all (the sweeper queues what is left pending), loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["AfterReply"]

log = logging.getLogger(__name__)


def _logged(work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except Exception as exc:  # the outbox keeps the work: the sweeper queues it later
            log.error("follow-up work not queued now (%s); the sweeper will", type(exc).__name__)

    return run


class AfterReply:
    """Runs follow-up queueing in order on its own thread, once the replies have gone."""

    def __init__(self) -> None:
        self._thread: ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Start the thread."""
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="wechat-queue")

    async def stop(self) -> None:
        """Queue what was handed over, then stop the thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.to_thread(thread.shutdown, wait=True)

    def run_later(self, work: Callable[[], None]) -> None:
        """Hand over follow-up work (run now if stopped: nothing is left behind)."""
        thread = self._thread
        if thread is None:
            work()
            return
        try:
            thread.submit(_logged(work))
        except RuntimeError:  # shut down meanwhile
            work()

    def wait(self) -> None:
        """Block until the work handed over so far is on the rq queue."""
        if self._thread is not None:
            self._thread.submit(lambda: None).result()
