"""Raw Telegram updates in the database: stored before we acknowledge them.

On PostgreSQL `keep` stores an update on one of the inbox's own asyncio connections (no
thread, no pooled session; each INSERT commits, waiting for the disk, before the webhook's
200). Not on the chat locks' connections: those commit without waiting for the disk, and
every chat on one would wait behind each flush. The other functions are synchronous
(SQLModel); the channel runs them with `asyncio.to_thread`. What waits in a chat's turn,
and marking an update done, run under the chat's lock (`bot.telegram.chatlocks.ChatTurn`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sqlalchemy.engine import Engine

from bot.telegram.convert import CHANNEL
from bot.telegram.own_connection import OwnConnection
from storage import FieldCipher, InboundUpdate, session_scope
from storage.inbound import record_failure, store_update, unprocessed_updates
from storage.inbound_turns import store_update_on

__all__ = ["Inbox"]

log = logging.getLogger(__name__)
_CONNECTIONS = 4  # the store's own connections per process (PostgreSQL)


class Inbox:
    """The channel's durable inbox of raw updates, encrypted at rest."""

    def __init__(
        self, engine: Engine, cipher: FieldCipher, *, connections: int = _CONNECTIONS
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        count = connections if engine.dialect.name == "postgresql" else 0
        self._connections = [OwnConnection(engine) for _ in range(count)]

    def chat_key(self, chat_id: int) -> str:
        """How the inbox knows a chat's updates without keeping the chat's id in the clear."""
        return self.cipher.blind_index(f"{CHANNEL}-chat:{chat_id}")

    async def keep(self, update: dict[str, Any], chat_id: int) -> int | None:
        """`store` from the event loop: on PostgreSQL on the least busy of the inbox's own
        connections, else in a thread."""
        if not self._connections:
            return await asyncio.to_thread(self.store, update, chat_id)
        key, payload = self._sealed(update)
        chat_key = self.chat_key(chat_id)
        connection = min(self._connections, key=lambda c: c.pending)
        row_id = await connection.use(
            lambda c: store_update_on(
                c, channel=CHANNEL, update_key=key, payload=payload, chat_key=chat_key
            )
        )
        if row_id is None:
            log.info("update %s was delivered again; ignored", key)
        return row_id

    async def close(self) -> None:
        """Close the store's own connections."""
        for connection in self._connections:
            await connection.close()

    def store(self, update: dict[str, Any], chat_id: int) -> int | None:
        """Keep an update; its row id, or None if this update_id was stored before."""
        key, payload = self._sealed(update)
        with session_scope(self.engine) as session:
            row_id = store_update(
                session=session,
                channel=CHANNEL,
                update_key=key,
                payload=payload,
                chat_key=self.chat_key(chat_id),
            )
        if row_id is None:
            log.info("update %s was delivered again; ignored", key)
        return row_id

    def _sealed(self, update: dict[str, Any]) -> tuple[str, str]:
        """The update's key, and the update encrypted."""
        return str(update["update_id"]), self.cipher.encrypt(json.dumps(update, ensure_ascii=False))

    def unfinished(self) -> list[tuple[int, dict[str, Any]]]:
        """Updates stored but never marked done (the process died), oldest first."""
        with session_scope(self.engine) as session:
            return self._opened(unprocessed_updates(session=session, channel=CHANNEL))

    def failed(self, row_id: int, failure: str) -> bool:
        """Count a try that failed by the update's own fault; True once it is set aside."""
        with session_scope(self.engine) as session:
            return record_failure(session=session, update_id=row_id, failure=failure)

    def opened(self, payload: str) -> dict[str, Any]:
        """A stored update as Telegram sent it."""
        loaded: dict[str, Any] = json.loads(self.cipher.decrypt(payload))
        return loaded

    def _opened(self, rows: list[InboundUpdate]) -> list[tuple[int, dict[str, Any]]]:
        return [(row.id or 0, self.opened(row.payload)) for row in rows]
