"""Per-chat ordering: one chat's updates strictly one after another, different chats in parallel."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ChatQueues"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class ChatQueues(Generic[T]):
    """A line per chat, worked by its own task; at most `max_parallel` chats at a moment."""

    # A place in the line is held (`reserve`) before an update is stored, so two updates of
    # one chat are handled in the order they arrived even if the second is stored first.

    def __init__(self, run: Callable[[T], Awaitable[None]], *, max_parallel: int) -> None:
        self._run = run
        self._max_parallel = max_parallel
        self._slots: asyncio.Semaphore | None = None
        self._lines: dict[Hashable, deque[asyncio.Future[T | None]]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}

    def reserve(self, chat: Hashable) -> asyncio.Future[T | None]:
        """Hold the next place in a chat's line; resolve it with the item, or None to give it up."""
        place: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
        self._lines.setdefault(chat, deque()).append(place)
        if chat not in self._workers:
            self._workers[chat] = asyncio.create_task(self._work(chat), name="telegram-chat")
        return place

    def submit(self, chat: Hashable, item: T) -> None:
        """Queue an item at the end of a chat's line."""
        self.reserve(chat).set_result(item)

    @property
    def busy(self) -> int:
        """How many chats have work waiting or running."""
        return len(self._workers)

    async def _work(self, chat: Hashable) -> None:
        line = self._lines[chat]
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_parallel)
        try:
            while line:
                item = await line[0]
                line.popleft()
                if item is None:
                    continue
                async with self._slots:
                    try:
                        await self._run(item)
                    except Exception:  # _run handles its own errors; never stall the line
                        log.exception("unexpected error in a chat's line")
        finally:
            # No await between the emptiness check and here, so no place can slip in unseen.
            del self._workers[chat]
            if not line:
                del self._lines[chat]

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until every line is empty (or `timeout` passes); True if they all are."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._workers:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(list(self._workers.values()), timeout=left)
        return True

    async def drain(self, timeout: float) -> None:
        """Let queued work finish for up to `timeout` seconds, then cancel what is left."""
        if await self.join(timeout):
            return
        pending = list(self._workers.values())
        log.warning("%d chats still busy at stop; their updates wait for restart", len(pending))
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
