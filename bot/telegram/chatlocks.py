"""Per-chat order across web processes: PostgreSQL advisory locks, one set per process.

Several `homeward serve` processes behind one webhook address get a chat's updates in turn,
so one chat's earlier update may still wait in one process while the next arrives at
another. Two locks per chat keep the chat's updates one at a time and in order:

- *pending* (shared): held by every process with updates of the chat stored and not yet
  handled, taken before the update is stored; so a process can tell whether another one
  has work for the chat without reading the inbox;
- *working* (exclusive): held while one update of the chat is handled and marked done; the
  holder first handles the chat's earlier updates stored by others, if any are pending.

Locks live in one dedicated connection per process, so a killed process's locks vanish with
it. On SQLite (one process) there is nothing to share and every call succeeds at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import zlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

__all__ = ["ChatLocks"]

_PENDING, _WORKING = 0x48570001, 0x48570002  # advisory lock namespaces ("HW" 1 and 2)
_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # polling another process's lock, then every 0.5 s


def _chat_key(chat_id: int) -> int:
    """A chat id as a signed 32-bit key (a collision only makes two chats wait for each other)."""
    key = zlib.crc32(str(chat_id).encode())
    return key - (1 << 32) if key >= 1 << 31 else key


class ChatLocks:
    """The pending and working locks of chats, in one connection of this process."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self._connection: Connection | None = None
        self._mutex = threading.Lock()  # one statement at a time on the connection

    async def hold(self, chat_id: int) -> None:
        """Note one more update of the chat pending here (before storing it)."""
        await self._call("pg_advisory_lock_shared", _PENDING, chat_id)

    async def release(self, chat_id: int) -> None:
        """Note one update of the chat no longer pending here (handled, or never stored)."""
        await self._call("pg_advisory_unlock_shared", _PENDING, chat_id)

    async def others_pending(self, chat_id: int) -> bool:
        """True if another process has updates of the chat stored and not yet handled."""
        if not await self._call("pg_try_advisory_lock", _PENDING, chat_id):
            return True
        await self._call("pg_advisory_unlock", _PENDING, chat_id)
        return False

    @contextlib.asynccontextmanager
    async def working(self, chat_id: int) -> AsyncIterator[None]:
        """Handle the chat here and nowhere else until the block ends.

        Waits while another process works on the chat, and while the database is down.
        """
        attempt = 0
        while not await self._try_working(chat_id):
            await asyncio.sleep(_WAITS[min(attempt, len(_WAITS) - 1)])
            attempt += 1
        try:
            yield
        finally:
            with contextlib.suppress(DBAPIError):  # a lost connection released it already
                await self._call("pg_advisory_unlock", _WORKING, chat_id)

    async def _try_working(self, chat_id: int) -> bool:
        try:
            return await self._call("pg_try_advisory_lock", _WORKING, chat_id)
        except DBAPIError:
            return False  # no database, no turn: try again shortly

    async def close(self) -> None:
        """Close the connection, releasing every lock this process holds."""
        with self._mutex:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    async def _call(self, function: str, namespace: int, chat_id: int) -> bool:
        if not self.shared:
            return True
        return await asyncio.to_thread(self._execute, function, namespace, _chat_key(chat_id))

    def _execute(self, function: str, namespace: int, key: int) -> bool:
        with self._mutex:
            if self._connection is None:
                connection = self._engine.connect()
                self._connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                result = self._connection.execute(
                    text(f"SELECT {function}(:namespace, :key)"),
                    {"namespace": namespace, "key": key},
                ).scalar()
            except DBAPIError:
                # The server went away, and our locks with it: start afresh next time.
                with contextlib.suppress(DBAPIError):
                    self._connection.invalidate()
                self._connection = None
                raise
            return result is not False  # the lock functions return void or a boolean
