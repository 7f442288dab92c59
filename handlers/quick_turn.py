"""The interview's usual turn on the event loop: one asyncio PostgreSQL transaction, no thread.

Most messages only move the interview on: lock the conversation (finding the message's
delivery handled before and a block in force), run the pure interview, store the state and
the delivery's record with the replies, commit. That is `Intake.handle`'s transaction, in
two round trips on an asyncio connection of the caller's (`storage.conversation_turns`), so
the web process hands nothing to a thread and no thread waits for the interpreter after each
statement. Durability is the same: the commit waits for the disk before the replies are
returned.

Whatever needs more is left to `Intake.handle`, untouched (the transaction rolled back,
`None` returned): a tipster's first message (no conversation yet), a blocked tipster, a
delivery id seen on another conversation, a submission (the report, its attachments and
outbox row), a request to delete their data, and any use of the follow-up or alert ports
(they work on the intake's session). The interview is pure, so running it again there gives
the same answer.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

from handlers.intake import Intake, storable
from handlers.interview import handle
from handlers.messages import Inbound, Reply
from handlers.state import State
from storage.conversation_turns import commit_turn_on, lock_for_message_on, roll_back_on

__all__ = ["quick_turn"]

log = logging.getLogger(__name__)


class _NeedsSession(Exception):
    """The message uses a port bound to the intake's session: `Intake.handle` runs it."""


class _Unbound:
    """The follow-up and alert ports for the quick turn: any use hands the message over."""

    @property
    def subscribable(self) -> bool:
        raise _NeedsSession

    @subscribable.setter
    def subscribable(self, value: bool) -> None:
        raise _NeedsSession

    def __getattr__(self, name: str) -> Any:
        raise _NeedsSession


async def quick_turn(
    intake: Intake, msg: Inbound, connection: psycopg.AsyncConnection[Any]
) -> list[Reply] | None:
    """Handle a message durably on `connection` and return its replies; None when it must go
    to `Intake.handle` instead (nothing was written)."""
    msg = storable(msg)
    committed = False
    try:
        locked = await lock_for_message_on(
            connection,
            channel=msg.channel,
            user_key=intake.user_key(msg),
            delivery_key=msg.delivery_id,
        )
        if locked is None or locked.blocked:
            return None
        if (seen := locked.seen) is not None:
            if seen.conversation_id != locked.id:
                return None  # another tipster's delivery id: the full path says so
            log.info("conversation %s: repeated delivery answered again", locked.id)
            return intake.load_replies(seen.replies)
        now, state, port = intake.clock(), State.from_dict(locked.state), _Unbound()
        try:
            outcome = handle(state, msg, intake.env(now, port, port if intake.alerts else None))
        except _NeedsSession:
            return None
        if outcome.submission is not None or outcome.forget_tipster:
            return None
        delivered = None
        if msg.delivery_id:
            stored = intake.store_replies(outcome.replies)
            delivered = (msg.channel, msg.delivery_id, stored, None)
        await commit_turn_on(
            connection,
            conversation_id=locked.id,
            state=state.to_dict(),
            now=now,
            delivered=delivered,
        )
        committed = True
        log.debug("conversation %s now at step %s", locked.id, state.step)
        return outcome.replies
    except BaseException:
        # A failed statement, a fault, or cancelled mid-statement: what the connection holds
        # is unknown, and closing it ends the transaction (it is opened afresh next time).
        await connection.close()
        raise
    finally:
        if not committed and not connection.closed:  # nothing to keep: end it now
            await roll_back_on(connection)
