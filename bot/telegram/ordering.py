"""Per-chat ordering: one chat's updates strictly one after another, different chats in parallel.

Chats already talking to us come first (bot/recent.py): a chat this process answered lately
takes the next free slot before any chat it has never seen, and chats it has never seen are
let in at a limited rate. So a flood of new chats waits in its own line, stored and
acknowledged, while the tipsters in the middle of a report are answered as usual.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from aiolimiter import AsyncLimiter

from bot.recent import RecentChats

__all__ = ["ChatQueues"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Slots:
    """A semaphore whose waiters from known chats go before those from new ones."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque())

    async def acquire(self, *, first: bool) -> None:
        if self._free > 0 and not any(self._waiting):
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        line = self._waiting[0 if first else 1]
        line.append(turn)
        try:
            await turn  # release() hands its slot straight to us
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed over just as we were cancelled: pass it on
            else:
                line.remove(turn)
            raise

    def release(self) -> None:
        for line in self._waiting:
            while line:
                turn = line.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._free += 1


class ChatQueues(Generic[T]):
    """A line per chat, worked by its own task; at most `max_parallel` chats at a moment."""

    # A place in the line is held (`reserve`) before an update is stored, so two updates of
    # one chat are handled in the order they arrived even if the second is stored first.

    def __init__(
        self,
        run: Callable[[T], Awaitable[None]],
        *,
        max_parallel: int,
        new_chats_per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self._max_parallel = max_parallel
        self._slots: _Slots | None = None
        self._lines: dict[Hashable, deque[asyncio.Future[T | None]]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self._new_per_minute = new_chats_per_minute
        self._admission: AsyncLimiter | None = None
        self._recent = RecentChats(clock=clock)
        self._cut = False  # stopped: what is still in a line waits for the next start

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

    def known(self, chat: Hashable) -> bool:
        """Whether this process answered the chat lately (it goes before new chats)."""
        return self._recent.known(chat)

    async def _work(self, chat: Hashable) -> None:
        line = self._lines[chat]
        if self._slots is None:
            self._slots = _Slots(self._max_parallel)
        if self._admission is None and self._new_per_minute:
            # A burst of at most ten seconds' worth, so a flood can't take Telegram's send
            # budget (30/s for the whole bot) from the chats already talking to us.
            burst = max(1.0, self._new_per_minute / 6)
            self._admission = AsyncLimiter(burst, burst * 60 / self._new_per_minute)
        try:
            while line and not self._cut:
                item = await line[0]
                line.popleft()
                if item is None:
                    continue
                known = self.known(chat)
                if not known and self._admission is not None:
                    await self._admission.acquire()  # new chats come in at a limited rate
                await self._slots.acquire(first=known)
                try:
                    await self._run(item)
                except Exception:  # _run handles its own errors; never stall the line
                    log.exception("unexpected error in a chat's line")
                finally:
                    self._slots.release()
                    self._recent.saw(chat)
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

    async def drain(self, timeout: float, *, cancel_wait: float = 1.0) -> None:
        """Let queued work finish for up to `timeout` seconds, then cancel what is left.

        Returns within `timeout + cancel_wait` even if some work doesn't end when cancelled (a
        library may swallow a cancellation that lands just as its own timeout fires): it is
        left behind, and no line starts another item.
        """
        if await self.join(timeout):
            return
        self._cut = True
        pending = list(self._workers.values())
        log.warning("%d chats still busy at stop; their updates wait for restart", len(pending))
        for task in pending:
            task.cancel()
        _, stubborn = await asyncio.wait(pending, timeout=cancel_wait)
        if stubborn:
            log.warning("%d chats did not stop when told; left behind", len(stubborn))
