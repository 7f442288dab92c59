"""Where an interview update runs: on the event loop when it can, else in a thread.

On PostgreSQL a message that only moves the interview on is handled on one of a few asyncio
connections of this process's own (`handlers.quick_turn`: one transaction, no thread; one
round trip when the state this process stored last is still the stored one, else two). The
rest, everything on SQLite, and a message whose quick turn failed on the database go to
`Intake.handle` in a thread (which retries and reports as it always has).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.telegram.own_connection import OwnConnection
from handlers import Inbound, Intake, Reply
from handlers.quick_turn import KnownStates, quick_turn

__all__ = ["InterviewTurns"]

log = logging.getLogger(__name__)
_CONNECTIONS = 4  # each holds one turn's transaction at a time


class InterviewTurns:
    """Runs the interview for the Telegram channel's updates."""

    def __init__(self, intake: Intake, engine: Engine, *, connections: int = _CONNECTIONS) -> None:
        self.intake = intake
        self.known = KnownStates()
        count = connections if engine.dialect.name == "postgresql" else 0
        self._connections = [OwnConnection(engine, exclusive=True) for _ in range(count)]

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle one inbound message durably; the replies to send."""
        if self._connections:
            connection = min(self._connections, key=lambda c: c.pending)
            try:
                replies = await connection.use(
                    lambda c: quick_turn(self.intake, inbound, c, self.known)
                )
            except OperationalError as error:  # nothing kept that the full path won't see
                log.info(
                    "interview turn on the event loop failed (%s); in a thread",
                    type(error.orig).__name__,
                )
                replies = None
            if replies is not None:
                return replies
        return await asyncio.to_thread(self.intake.handle, inbound)

    async def close(self) -> None:
        """Close the connections."""
        for connection in self._connections:
            await connection.close()
