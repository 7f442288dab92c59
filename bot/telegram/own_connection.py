"""One autocommit psycopg asyncio connection of this process's own, beside the engine's pool.

The Telegram channel's hot statements (storing an update, a chat's lock and turn) run on
such connections on the event loop: no thread to hand them to, no pooled session. psycopg
runs one connection's statements in turn; a lost server closes it, and the next use opens it
afresh. Failures come out as SQLAlchemy's `OperationalError`, as the engine's would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

__all__ = ["OwnConnection"]

T = TypeVar("T")


class OwnConnection:
    """An autocommit asyncio connection to the engine's database, opened on first use."""

    def __init__(self, engine: Engine, *, durable: bool = True, exclusive: bool = False) -> None:
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs.pop("context", None)  # SQLAlchemy's adapters; plain psycopg needs none
        if not durable:  # each commit returns before it is on disk (see its user for why)
            options = kwargs.get("options", "")
            kwargs["options"] = f"{options} -c synchronous_commit=off".strip()
        self._args, self._kwargs = args, kwargs
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._connecting: asyncio.Lock | None = None
        # Exclusive: one use at a time (a use that holds a transaction open between its
        # statements); else psycopg runs concurrent uses' statements in turn.
        self._exclusive = exclusive
        self._using: asyncio.Lock | None = None
        self.pending = 0  # uses running or waiting their turn on this connection

    async def use(self, work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
        """Run `work` on the connection (psycopg's errors as OperationalError)."""
        self.pending += 1
        if self._exclusive and self._using is None:
            self._using = asyncio.Lock()
        try:
            if self._using is None:
                return await work(await self._connect())
            async with self._using:
                return await work(await self._connect())
        except psycopg.Error as error:
            # The server went away (and whatever the connection held with it): start afresh.
            await self.close()
            raise OperationalError(type(error).__name__, None, error) from error
        finally:
            self.pending -= 1

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
        """Close it (a later use opens it again)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                await connection.close()
