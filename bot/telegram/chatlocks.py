"""Per-chat order across web processes: one PostgreSQL advisory lock per chat being handled.

Several `homeward serve` processes behind one webhook address get a chat's updates in turn,
so one chat's earlier update may still wait in one process (or in the inbox of one that
died) while the next arrives at another. A process handles an update of a chat only while
it holds the chat's lock, and first handles the chat's earlier updates still unhandled in
the inbox (`Inbox.unfinished_before`), whoever stored them. So a chat's updates are handled
one at a time and in order, and an update is handled once (`Inbox.is_done` under the lock).

Two statements per update, neither before the acknowledgement: take the lock, give it back.
They run on a few psycopg asyncio connections of this process's own (not the engine's pool;
a chat always on the same one), so a lock statement never waits for a thread, and a killed
process's locks vanish with its connections. On SQLite (one process) every call succeeds
at once.
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

_WORKING = 0x48570002  # the advisory lock namespace ("HW" 2)
_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # polling another process's lock, then every 0.5 s
_CONNECTIONS = 4  # lock connections per process; a chat's locks are always in the same one

_TAKE = "SELECT pg_try_advisory_lock(%(working)s, %(key)s)"
_GIVE_BACK = "SELECT pg_advisory_unlock(%(working)s, %(key)s)"


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
            cursor = await connection.execute(statement, {"working": _WORKING, "key": key})
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
    """The chats this process is handling right now, as PostgreSQL advisory locks."""

    def __init__(self, engine: Engine, *, connections: int = _CONNECTIONS) -> None:
        self.shared = engine.dialect.name == "postgresql"
        count = connections if self.shared else 0
        self._connections = [_LockConnection(engine) for _ in range(count)]

    @contextlib.asynccontextmanager
    async def working(self, chat_id: int) -> AsyncIterator[None]:
        """Handle the chat here and nowhere else until the block ends.

        Waits while another process works on the chat, and while the database is down.
        """
        attempt = 0
        while not await self._take(chat_id):
            await asyncio.sleep(_WAITS[min(attempt, len(_WAITS) - 1)])
            attempt += 1
        try:
            yield
        finally:
            with contextlib.suppress(DBAPIError):  # a lost connection gave it back anyway
                await self._call(_GIVE_BACK, chat_id)

    async def _take(self, chat_id: int) -> bool:
        try:
            return bool(await self._call(_TAKE, chat_id))
        except DBAPIError:
            return False  # no database, no turn: try again shortly

    async def close(self) -> None:
        """Close the connections, giving back every lock this process holds."""
        for connection in self._connections:
            await connection.close()

    async def _call(self, statement: str, chat_id: int) -> Any:
        if not self.shared:
            return True
        key = _chat_key(chat_id)
        return await self._connections[key % len(self._connections)].run(statement, key)
