"""Raw Telegram updates in the database: stored before we acknowledge them.

These functions are synchronous (SQLModel); the channel runs them with `asyncio.to_thread`.
What waits in a chat's turn, and marking an update done, run under the chat's lock
(`bot.telegram.chatlocks.ChatTurn`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.engine import Engine

from bot.telegram.convert import CHANNEL
from storage import FieldCipher, InboundUpdate, session_scope
from storage.inbound import record_failure, store_update, unprocessed_updates

__all__ = ["Inbox"]

log = logging.getLogger(__name__)


class Inbox:
    """The channel's durable inbox of raw updates, encrypted at rest."""

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    def chat_key(self, chat_id: int) -> str:
        """How the inbox knows a chat's updates without keeping the chat's id in the clear."""
        return self.cipher.blind_index(f"{CHANNEL}-chat:{chat_id}")

    def store(self, update: dict[str, Any], chat_id: int) -> int | None:
        """Keep an update; its row id, or None if this update_id was stored before."""
        key = str(update["update_id"])
        payload = self.cipher.encrypt(json.dumps(update, ensure_ascii=False))
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
