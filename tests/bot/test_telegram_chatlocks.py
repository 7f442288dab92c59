"""The cross-process chat locks, with two `ChatLocks` standing for two web processes."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import Engine

from bot.telegram.chatlocks import ChatLocks

CHAT, OTHER_CHAT = 5550001, 5550002


@pytest.fixture
def postgresql(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks exist on PostgreSQL only (SQLite runs one process)")
    return engine


async def _two_processes(engine: Engine) -> None:
    first, second = ChatLocks(engine), ChatLocks(engine)
    try:
        # The first process stored an update of the chat; the second stores the next one.
        await first.hold(CHAT)
        await second.hold(CHAT)
        async with second.working(CHAT) as others_pending:
            assert others_pending  # the first one's update may come earlier: read the inbox
            # Meanwhile the first process waits for its turn at this chat, not at others.
            waiting = asyncio.create_task(_turn(first, CHAT))
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await first.hold(OTHER_CHAT)
            async with first.working(OTHER_CHAT) as other_pending:
                assert not other_pending
        # The second process is done with the chat: the first takes its turn, nothing pending
        # elsewhere any more (the second's hold went with its turn).
        assert await asyncio.wait_for(waiting, 5) is False
        # Everything was given back: a third process finds the chat free and nothing pending.
        third = ChatLocks(engine)
        try:
            await third.hold(CHAT)
            async with third.working(CHAT) as others_pending:
                assert not others_pending
        finally:
            await third.close()
    finally:
        await first.close()
        await second.close()


async def _turn(locks: ChatLocks, chat_id: int) -> bool:
    async with locks.working(chat_id) as others_pending:
        return others_pending


def test_one_chat_is_worked_by_one_process_at_a_time_and_sees_the_others_pending(
    postgresql: Engine,
) -> None:
    asyncio.run(_two_processes(postgresql))


async def _process_dies(engine: Engine) -> None:
    dead, alive = ChatLocks(engine), ChatLocks(engine)
    try:
        await dead.hold(CHAT)
        assert await dead._take_turn(CHAT) == 1  # killed mid-update: its turn is never given back
        await dead.close()  # its connections go, as when the process is killed
        await alive.hold(CHAT)
        assert await asyncio.wait_for(_turn(alive, CHAT), 5) is False
    finally:
        await alive.close()


def test_a_dead_process_leaves_no_lock_behind(postgresql: Engine) -> None:
    asyncio.run(_process_dies(postgresql))
