"""Per-chat order across web processes: one PostgreSQL advisory lock per chat being handled.

Several `homeward serve` processes behind one webhook address get a chat's updates in turn,
so one chat's earlier update may still wait in one process (or in the inbox of one that
died) while the next arrives at another. A process handles an update of a chat only while
it holds the chat's lock (a `ChatTurn`), and first asks which of the chat's updates up to
this one are still unhandled in the inbox, whoever stored them: the earlier ones go first,
and this one missing means it was handled already. So a chat's updates are handled one at a
time and in order, and an update is handled once.

Four statements per update, none before the acknowledgement, in two round trips: take the
lock with what waits, and done (committed) with giving the lock back. They run on a few
psycopg asyncio connections of this process's own (not the engine's pool; a chat always on
the same one), so they never wait for a thread, and a killed process's locks vanish with
its connections. On SQLite (one process) the lock always succeeds at once and the inbox
statements go through the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.telegram.convert import CHANNEL
from bot.telegram.own_connection import OwnConnection
from storage import session_scope
from storage.inbound import mark_processed, unhandled_through
from storage.inbound_turns import (
    mark_processed_on,
    mark_processed_then_on,
    unhandled_through_after_on,
    unhandled_through_on,
)

__all__ = ["ChatLocks", "ChatTurn"]

_WORKING = 0x48570002  # the advisory lock namespace ("HW" 2)
_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # polling another process's lock, then every 0.5 s
_CONNECTIONS = 4  # lock connections per process; a chat's locks are always in the same one

_TAKE = "SELECT pg_try_advisory_lock(%(working)s, %(key)s)"
_GIVE_BACK = "SELECT pg_advisory_unlock(%(working)s, %(key)s)"
Waiting = list[tuple[int, str]]  # (row id, encrypted payload) of a chat's unhandled updates


def _chat_key(chat_id: int) -> int:
    """A chat id as a signed 32-bit key (a collision only makes two chats wait for each other)."""
    key = zlib.crc32(str(chat_id).encode())
    return key - (1 << 32) if key >= 1 << 31 else key


async def _run(connection: OwnConnection, statement: str, key: int) -> Any:
    """One lock statement on the connection; its single value."""

    async def lock(psycopg_connection: psycopg.AsyncConnection[Any]) -> Any:
        cursor = await psycopg_connection.execute(statement, {"working": _WORKING, "key": key})
        row = await cursor.fetchone()
        return None if row is None else row[0]

    return await connection.use(lock)


def _lock_connection(engine: Engine) -> OwnConnection:
    # "Done" is the only write here, and it need not wait for the disk: lost in a crash, the
    # update is handled again at the next start and the interview answers it with the replies
    # it stored (the same reply again, never a second effect). Every chat on this connection
    # would otherwise wait behind each flush.
    return OwnConnection(engine, durable=False)


class ChatLocks:
    """The chats this process is handling right now, as PostgreSQL advisory locks."""

    def __init__(self, engine: Engine, *, connections: int = _CONNECTIONS) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        count = connections if self.shared else 0
        self._connections = [_lock_connection(engine) for _ in range(count)]

    @contextlib.asynccontextmanager
    async def working(
        self, chat_id: int, waiting: tuple[str, int] | None = None
    ) -> AsyncIterator[ChatTurn]:
        """Handle the chat here and nowhere else until the block ends.

        Waits while another process works on the chat, and while the database is down. With
        `waiting` (chat key, row id), what `ChatTurn.waiting` would find is read with the lock.
        """
        attempt = 0
        while not (taken := await self._take_reading(chat_id, waiting))[0]:
            await asyncio.sleep(_WAITS[min(attempt, len(_WAITS) - 1)])
            attempt += 1
        shared = self._connection(chat_id) if self.shared else None
        turn = ChatTurn(self.engine, shared, lock=(_WORKING, _chat_key(chat_id)))
        if waiting is not None and taken[1] is not None:
            turn.found[waiting] = taken[1]
        try:
            yield turn
        finally:
            if not turn.given_back:
                with contextlib.suppress(DBAPIError):  # a lost connection gave it back anyway
                    await self._call(_GIVE_BACK, chat_id)

    async def _take(self, chat_id: int) -> bool:
        return (await self._take_reading(chat_id, None))[0]

    async def _take_reading(
        self, chat_id: int, waiting: tuple[str, int] | None
    ) -> tuple[bool, Waiting | None]:
        """Whether the lock was taken, and what waits if asked (read once it was taken)."""
        try:
            if waiting is None or not self.shared:
                return bool(await self._call(_TAKE, chat_id)), None
            chat_key, through = waiting
            params = {"working": _WORKING, "key": _chat_key(chat_id)}
            taken, rows = await self._connection(chat_id).use(
                lambda c: unhandled_through_after_on(
                    c, _TAKE, params, channel=CHANNEL, chat_key=chat_key, update_id=through
                )
            )
            return bool(taken), rows
        except DBAPIError:
            return False, None  # no database, no turn: try again shortly

    async def close(self) -> None:
        """Close the connections, giving back every lock this process holds."""
        for connection in self._connections:
            await connection.close()

    async def _call(self, statement: str, chat_id: int) -> Any:
        if not self.shared:
            return True
        return await _run(self._connection(chat_id), statement, _chat_key(chat_id))

    def _connection(self, chat_id: int) -> OwnConnection:
        return self._connections[_chat_key(chat_id) % len(self._connections)]


class ChatTurn:
    """A chat's turn under its lock: which of its stored updates wait, and marking one done."""

    # On PostgreSQL both statements go on the connection holding the lock (no thread, no
    # pooled session); on SQLite, one process, through the engine.

    def __init__(
        self,
        engine: Engine,
        connection: OwnConnection | None,
        *,
        lock: tuple[int, int] | None = None,
    ) -> None:
        self._engine = engine
        self._connection = connection
        self._lock = lock
        self.found: dict[tuple[str, int], Waiting] = {}  # read with the lock (`working`)
        self.given_back = False  # the lock went back with the last update's "done"

    async def waiting(self, chat_key: str, through: int) -> Waiting:
        """(row id, encrypted payload) of the chat's unhandled updates up to `through`."""
        if (found := self.found.pop((chat_key, through), None)) is not None:
            return found
        if self._connection is None:
            return await asyncio.to_thread(self._waiting_here, chat_key, through)
        return await self._connection.use(
            lambda c: unhandled_through_on(c, channel=CHANNEL, chat_key=chat_key, update_id=through)
        )

    async def done(self, row_id: int, *, last: bool = False) -> None:
        """Note that an update was handled and its replies sent (its content is dropped);
        `last`: the turn's last update, so the lock goes back with it, once it is committed."""
        if self._connection is None:
            await asyncio.to_thread(self._done_here, row_id)
        elif last and self._lock is not None:
            params = {"working": self._lock[0], "key": self._lock[1]}
            await self._connection.use(
                lambda c: mark_processed_then_on(c, _GIVE_BACK, params, update_id=row_id)
            )
            self.given_back = True
        else:
            await self._connection.use(lambda c: mark_processed_on(c, update_id=row_id))

    def _waiting_here(self, chat_key: str, through: int) -> list[tuple[int, str]]:
        with session_scope(self._engine) as session:
            rows = unhandled_through(
                session=session, channel=CHANNEL, chat_key=chat_key, update_id=through
            )
            return [(row.id or 0, row.payload) for row in rows]

    def _done_here(self, row_id: int) -> None:
        with session_scope(self._engine) as session:
            mark_processed(session=session, update_id=row_id)
