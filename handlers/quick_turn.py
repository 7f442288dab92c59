"""The interview's usual turn on the event loop: one asyncio PostgreSQL transaction, no thread.

Most messages only move the interview on: lock the conversation (finding the message's
delivery handled before and a block in force), run the pure interview, store the state and
the delivery's record with the replies, commit. That is `Intake.handle`'s transaction, in
two round trips on an asyncio connection of the caller's (`storage.conversation_turns`), so
the web process hands nothing to a thread and no thread waits for the interpreter after each
statement. Durability is the same: the commit waits for the disk before the replies are
returned.

With `KnownStates`, a process remembers the state it stored last for each recent
conversation: the interview runs on it before anything is read, and one statement stores
the new state and the delivery's record only if the stored state is still that one (and no
block, no earlier delivery); if anyone changed it since (another process, the intake's own
transaction, the sweeper), nothing is written and the turn above runs instead.

A tipster's first message creates their conversation in the same transaction, as
`Intake.handle` does. Whatever needs more is left to `Intake.handle`, untouched (the
transaction rolled back, `None` returned): a blocked tipster, a delivery id seen on another
conversation, a submission (the report, its attachments and outbox row), a request to
delete their data, and any use of the follow-up or alert ports (they work on the intake's
session). The interview is pure, so running it again there gives the same answer.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import psycopg

from handlers.intake import Intake, storable
from handlers.interview import handle
from handlers.messages import Inbound, Reply
from handlers.navigation import Outcome
from handlers.state import State
from storage.conversation_turns import (
    commit_turn_on,
    create_for_message_on,
    lock_for_message_on,
    roll_back_on,
    save_if_unchanged_on,
)

__all__ = ["KnownStates", "quick_turn"]

log = logging.getLogger(__name__)


class _NeedsSession(Exception):
    """The message uses a port bound to the intake's session: `Intake.handle` runs it."""


class _Unbound:
    """The follow-up and alert ports for the quick turn: any use (a method, `subscribable`)
    hands the message over."""

    def __getattr__(self, name: str) -> Any:
        raise _NeedsSession


class KnownStates:
    """The state this process stored last for each of its recent conversations, as the JSON
    text it wrote: at most `size`, none older than `keep` seconds (a draft the sweeper deletes
    is not kept in memory for long either), the longest unchanged forgotten first."""

    def __init__(
        self,
        size: int = 1024,
        keep: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size, self._keep, self._clock = size, keep, clock
        self._known: OrderedDict[str, tuple[int, str, float]] = OrderedDict()

    def get(self, user_key: str) -> tuple[int, str] | None:
        """(conversation id, state text), if known."""
        self._drop_old()
        known = self._known.get(user_key)
        return None if known is None else (known[0], known[1])

    def put(self, user_key: str, conversation_id: int, state: str) -> None:
        """Remember what was just stored."""
        self._known[user_key] = (conversation_id, state, self._clock())
        self._known.move_to_end(user_key)
        if len(self._known) > self._size:
            self._known.popitem(last=False)
        self._drop_old()

    def forget(self, user_key: str) -> None:
        """Not known any more (changed elsewhere, or about to be)."""
        self._known.pop(user_key, None)

    def __len__(self) -> int:
        return len(self._known)

    def _drop_old(self) -> None:
        """Forget what was stored more than `keep` seconds ago (kept in the order stored)."""
        limit = self._clock() - self._keep
        while self._known:
            key, (_, _, stored_at) = next(iter(self._known.items()))
            if stored_at >= limit:
                break
            del self._known[key]


def _run(
    intake: Intake, msg: Inbound, stored: dict[str, Any], now: datetime
) -> tuple[State, Outcome] | None:
    """The pure interview on a stored state; None if the message needs `Intake.handle`."""
    state, port = State.from_dict(stored), _Unbound()
    try:
        outcome = handle(state, msg, intake.env(now, port, port if intake.alerts else None))
    except _NeedsSession:
        return None
    if outcome.submission is not None or outcome.forget_tipster:
        return None
    return state, outcome


Turn = tuple[list[Reply] | None, tuple[int, str] | None]  # replies, (conversation, state) stored


class _Missed(Enum):
    """Why a turn on the known state stored nothing."""

    STALE = "stale"  # the known state is not the stored one (or none is known)
    HAND_OVER = "hand over"  # the message needs `Intake.handle`


async def quick_turn(
    intake: Intake,
    msg: Inbound,
    connection: psycopg.AsyncConnection[Any],
    known: KnownStates | None = None,
) -> list[Reply] | None:
    """Handle a message durably on `connection` and return its replies; None when it must go
    to `Intake.handle` instead (nothing was written). With `known`, the state this process
    stored last for the tipster is tried first: one round trip if it is still the stored one."""
    msg = storable(msg)
    user_key = intake.user_key(msg)
    last = known.get(user_key) if known is not None and msg.delivery_id else None
    if known is not None:
        known.forget(user_key)  # until this turn says what is stored now
    try:
        turn = await _on_known(intake, msg, connection, user_key, last)
        if turn is _Missed.HAND_OVER:  # on the state stored last, the message needs the session
            return None
        replies, stored = (
            await _locked(intake, msg, connection, user_key) if turn is _Missed.STALE else turn
        )
    except BaseException:
        # A failed statement, a fault, or cancelled mid-statement: what the connection holds
        # is unknown, and closing it ends any transaction (it is opened afresh next time).
        await connection.close()
        raise
    if known is not None and stored is not None:
        known.put(user_key, *stored)
    return replies


async def _on_known(
    intake: Intake,
    msg: Inbound,
    connection: psycopg.AsyncConnection[Any],
    user_key: str,
    last: tuple[int, str] | None,
) -> Turn | _Missed:
    """The interview on the state stored last, saved in one statement if it still is.

    A message that needs the session on that state is handed over without reading the
    stored one: were it stale, `Intake.handle` still answers on the stored one."""
    if last is None or msg.delivery_id is None:
        return _Missed.STALE
    conversation_id, old_state = last
    now = intake.clock()
    if (ran := _run(intake, msg, json.loads(old_state), now)) is None:
        return _Missed.HAND_OVER
    state, outcome = ran
    new_state = json.dumps(state.to_dict())
    saved = await save_if_unchanged_on(
        connection,
        conversation_id=conversation_id,
        user_key=user_key,
        old_state=old_state,
        new_state=new_state,
        now=now,
        delivered=(msg.channel, msg.delivery_id, intake.store_replies(outcome.replies)),
    )
    if not saved:
        return _Missed.STALE
    log.debug("conversation %s now at step %s", conversation_id, state.step)
    return outcome.replies, (conversation_id, new_state)


async def _locked(
    intake: Intake, msg: Inbound, connection: psycopg.AsyncConnection[Any], user_key: str
) -> Turn:
    """The conversation locked and read, the interview run, then stored and committed (an
    error leaves the transaction to the caller, who closes the connection)."""
    locked = await lock_for_message_on(
        connection, channel=msg.channel, user_key=user_key, delivery_key=msg.delivery_id
    )
    if locked is None:  # a tipster not seen on this channel: their conversation, here
        locked = await create_for_message_on(
            connection,
            channel=msg.channel,
            user_key=user_key,
            user_ref=intake.cipher.encrypt(msg.user_id),
            delivery_key=msg.delivery_id,
        )
    now, ran = intake.clock(), None
    if locked is not None and not locked.blocked and locked.seen is None:
        ran = _run(intake, msg, locked.state, now)
    if locked is None or ran is None:
        await roll_back_on(connection)  # nothing to keep (a conversation created: not kept)
        if locked is None or locked.blocked or (seen := locked.seen) is None:
            return None, None  # a blocked tipster, or the message needs the session
        if seen.conversation_id != locked.id:
            return None, None  # another tipster's delivery id: the full path says so
        log.info("conversation %s: repeated delivery answered again", locked.id)
        return intake.load_replies(seen.replies), None
    state, outcome = ran
    delivered = None
    if msg.delivery_id:
        delivered = (msg.channel, msg.delivery_id, intake.store_replies(outcome.replies), None)
    new_state = json.dumps(state.to_dict())
    await commit_turn_on(
        connection, conversation_id=locked.id, state=new_state, now=now, delivered=delivered
    )
    log.debug("conversation %s now at step %s", locked.id, state.step)
    return outcome.replies, (locked.id, new_state)
