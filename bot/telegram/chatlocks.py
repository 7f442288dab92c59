"""Per-chat order across web processes: PostgreSQL advisory locks, one set per process.

Several `homeward serve` processes behind one webhook address get a chat's updates in turn,
so one chat's earlier update may still wait in one process while the next arrives at
another. Two locks per chat keep the chat's updates one at a time and in order:

- *pending* (shared): held by every process with updates of the chat stored and not yet
  handled, taken before the update is stored; so a process can tell whether another one
  has work for the chat without reading the inbox;
- *working* (exclusive): held while one update of the chat is handled and marked done; the
  holder first handles the chat's earlier updates stored by others, if any are pending.

An update costs three statements: *hold* before it is stored (the only one before the 200),
*take the turn* (working, and whether others have the chat pending) and *finish* (both
released). Locks live in a few dedicated connections per process, a chat always in the
same one, so a killed process's locks vanish with it and chats don't queue behind one
connection. On SQLite (one process) there is nothing to share and every call succeeds at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import zlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

__all__ = ["ChatLocks"]

_PENDING, _WORKING = 0x48570001, 0x48570002  # advisory lock namespaces ("HW" 1 and 2)
_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # polling another process's lock, then every 0.5 s
_CONNECTIONS = 4  # lock connections per process; a chat's locks are always in the same one

_HOLD = text("SELECT pg_advisory_lock_shared(:pending, :key)")
_RELEASE = text("SELECT pg_advisory_unlock_shared(:pending, :key)")
# 0: another process works on the chat; 1: our turn; 2: our turn, and another process has
# updates of the chat pending (it holds the shared lock, so ours can't be exclusive). Our
# own shared hold never conflicts with our own request. CASE stops at the first match.
_TAKE_TURN = text(
    """SELECT CASE
        WHEN NOT pg_try_advisory_lock(:working, :key) THEN 0
        WHEN NOT pg_try_advisory_lock(:pending, :key) THEN 2
        WHEN pg_advisory_unlock(:pending, :key) THEN 1
        ELSE 1 END"""
)
_FINISH = text(
    "SELECT pg_advisory_unlock(:working, :key), pg_advisory_unlock_shared(:pending, :key)"
)


def _chat_key(chat_id: int) -> int:
    """A chat id as a signed 32-bit key (a collision only makes two chats wait for each other)."""
    key = zlib.crc32(str(chat_id).encode())
    return key - (1 << 32) if key >= 1 << 31 else key


class _LockConnection:
    """One autocommit connection and the one thread that talks to it."""

    def __init__(self, engine: Engine, index: int) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._mutex = threading.Lock()  # close() comes from another thread
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"chat-locks-{index}")

    async def run(self, statement: TextClause, key: int) -> int | bool | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._execute, statement, key)

    def _execute(self, statement: TextClause, key: int) -> int | bool | None:
        with self._mutex:
            if self._connection is None:
                connection = self._engine.connect()
                self._connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                return self._connection.execute(
                    statement, {"pending": _PENDING, "working": _WORKING, "key": key}
                ).scalar()
            except DBAPIError:
                # The server went away, and our locks with it: start afresh next time.
                with contextlib.suppress(DBAPIError):
                    self._connection.invalidate()
                self._connection = None
                raise

    def close(self) -> None:
        with self._mutex:
            if self._connection is not None:
                # Invalidated, not returned to the pool: the locks must end with it.
                with contextlib.suppress(DBAPIError):
                    self._connection.invalidate()
                self._connection.close()
                self._connection = None
        self._thread.shutdown(wait=False)


class ChatLocks:
    """The pending and working locks of chats, in this process's lock connections."""

    def __init__(self, engine: Engine, *, connections: int = _CONNECTIONS) -> None:
        self.shared = engine.dialect.name == "postgresql"
        count = connections if self.shared else 0
        self._connections = [_LockConnection(engine, index) for index in range(count)]

    async def hold(self, chat_id: int) -> None:
        """Note one more update of the chat pending here (before storing it)."""
        await self._call(_HOLD, chat_id)

    async def release(self, chat_id: int) -> None:
        """Note one update of the chat no longer pending here (never stored after all)."""
        await self._call(_RELEASE, chat_id)

    @contextlib.asynccontextmanager
    async def working(self, chat_id: int) -> AsyncIterator[bool]:
        """Handle one held update of the chat here and nowhere else until the block ends.

        Yields whether another process has updates of the chat pending (stored earlier,
        perhaps). Waits while another process works on the chat, and while the database is
        down. On leaving, the turn and this update's hold are both given back.
        """
        attempt = 0
        try:
            while not (turn := await self._take_turn(chat_id)):
                await asyncio.sleep(_WAITS[min(attempt, len(_WAITS) - 1)])
                attempt += 1
        except BaseException:  # cancelled while waiting: the update is no longer pending here
            with contextlib.suppress(DBAPIError):
                await self.release(chat_id)
            raise
        try:
            yield turn == 2
        finally:
            with contextlib.suppress(DBAPIError):  # a lost connection released both anyway
                await self._call(_FINISH, chat_id)

    async def _take_turn(self, chat_id: int) -> int:
        if not self.shared:
            return 1
        try:
            return int(await self._call(_TAKE_TURN, chat_id) or 0)
        except DBAPIError:
            return 0  # no database, no turn: try again shortly

    async def close(self) -> None:
        """Close the connections, releasing every lock this process holds."""
        for connection in self._connections:
            await asyncio.to_thread(connection.close)

    async def _call(self, statement: TextClause, chat_id: int) -> int | bool | None:
        if not self.shared:
            return True
        key = _chat_key(chat_id)
        return await self._connections[key % len(self._connections)].run(statement, key)
