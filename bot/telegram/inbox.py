"""Raw Telegram updates in the database: stored before we acknowledge them, marked once handled.

These functions are synchronous (SQLModel); the channel runs them with `asyncio.to_thread`.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.telegram.convert import CHANNEL
from storage import FieldCipher, InboundUpdate, session_scope, utcnow
from storage.inbound import mark_processed, store_update, unprocessed_updates

__all__ = ["Inbox"]

log = logging.getLogger(__name__)


class Inbox:
    """The channel's durable inbox of raw updates, encrypted at rest."""

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    def store(self, update: dict[str, Any]) -> int | None:
        """Keep an update; its row id, or None if this update_id was stored before."""
        key = str(update["update_id"])
        payload = self.cipher.encrypt(json.dumps(update, ensure_ascii=False))
        with session_scope(self.engine) as session:
            row_id = store_update(session=session, channel=CHANNEL, update_key=key, payload=payload)
        if row_id is None:
            log.info("update %s was delivered again; ignored", key)
        return row_id

    def unfinished(self) -> list[tuple[int, dict[str, Any]]]:
        """Updates stored but never marked done (the process died), oldest first."""
        with session_scope(self.engine) as session:
            rows = unprocessed_updates(session=session, channel=CHANNEL)
            return [(row.id or 0, json.loads(self.cipher.decrypt(row.payload))) for row in rows]

    def is_done(self, row_id: int) -> bool:
        """Whether an update was handled already (here or by another process)."""
        with session_scope(self.engine) as session:
            row = session.get(InboundUpdate, row_id)
            return row is None or row.processed_at is not None

    def unfinished_before(
        self, row_id: int, *, within: timedelta = timedelta(minutes=15)
    ) -> list[tuple[int, dict[str, Any]]]:
        """Updates stored before `row_id`, recently, and not handled yet, oldest first.

        Older ones are left to the start-up pass; the window keeps this an index range scan.
        """
        statement = (
            select(InboundUpdate)
            .where(
                InboundUpdate.channel == CHANNEL,
                col(InboundUpdate.processed_at).is_(None),
                col(InboundUpdate.id) < row_id,
                col(InboundUpdate.received_at) >= utcnow() - within,
            )
            .order_by(col(InboundUpdate.id))
        )
        with session_scope(self.engine) as session:
            rows = session.exec(statement).all()
            return [(row.id or 0, json.loads(self.cipher.decrypt(row.payload))) for row in rows]

    def mark_done(self, row_id: int) -> None:
        """Note that an update was handled and its replies sent (its content is dropped)."""
        with session_scope(self.engine) as session:
            mark_processed(session=session, update_id=row_id)
