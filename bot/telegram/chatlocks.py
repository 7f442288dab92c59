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
connection. They are psycopg's asyncio connections, not the engine's pool: a lock statement
never waits for a thread. On SQLite (one process) there is nothing to share and every call
succeeds at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

__all__ = ["ChatLocks"]

_PENDING, _WORKING = 0x48570001, 0x48570002  # advisory lock namespaces ("HW" 1 and 2)
_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # polling another process's lock, then every 0.5 s
_CONNECTIONS = 4  # lock connections per process; a chat's locks are always in the same one

_HOLD = "SELECT pg_advisory_lock_shared(%(pending)s, %(key)s)"
_RELEASE = "SELECT pg_advisory_unlock_shared(%(pending)s, %(key)s)"
# 0: another process works on the chat; 1: our turn; 2: our turn, and another process has
# updates of the chat pending (it holds the shared lock, so ours can't be exclusive). Our
# own shared hold never conflicts with our own request. CASE stops at the first match.
_TAKE_TURN = """SELECT CASE
    WHEN NOT pg_try_advisory_lock(%(working)s, %(key)s) THEN 0
    WHEN NOT pg_try_advisory_lock(%(pending)s, %(key)s) THEN 2
    WHEN pg_advisory_unlock(%(pending)s, %(key)s) THEN 1
    ELSE 1 END"""
_FINISH = (
    "SELECT pg_advisory_unlock(%(working)s, %(key)s), "
    "pg_advisory_unlock_shared(%(pending)s, %(key)s)"
)


def _chat_key(chat_id: int) -> int:
    """A chat id as a signed 32-bit key (a collision only makes two chats wait for each other)."""
    key = zlib.crc32(str(chat_id).encode())
    return key - (1 << 32) if key >= 1 << 31 else key


class _LockConnection:
    """One autocommit asyncio connection of its own (psycopg runs its statements in turn)."""

    def __init__(self, engine: Engine) -> None:
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs.pop("context", None)  # SQLAlchemy's adapters; plain psycopg needs none
        self._args, self._kwargs = args, kwargs
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._connecting: asyncio.Lock | None = None

    async def run(self, statement: str, key: int) -> Any:
        try:
            connection = await self._connect()
            cursor = await connection.execute(
                statement, {"pending": _PENDING, "working": _WORKING, "key": key}
            )
            row = await cursor.fetchone()
        except psycopg.Error as error:
            # The server went away, and our locks with it: start afresh next time.
            await self.close()
            raise OperationalError(statement, None, error) from error
        return None if row is None else row[0]

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._connection is None or self._connection.closed:
                self._connection = await psycopg.AsyncConnection.connect(
                    *self._args, **self._kwargs, autocommit=True
                )
            return self._connection

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                await connection.close()


class ChatLocks:
    """The pending and working locks of chats, in this process's lock connections."""

    def __init__(self, engine: Engine, *, connections: int = _CONNECTIONS) -> None:
        self.shared = engine.dialect.name == "postgresql"
        count = connections if self.shared else 0
        self._connections = [_LockConnection(engine) for _ in range(count)]

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
            await connection.close()

    async def _call(self, statement: str, chat_id: int) -> Any:
        if not self.shared:
            return True
        key = _chat_key(chat_id)
        return await self._connections[key % len(self._connections)].run(statement, key)
