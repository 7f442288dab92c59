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


async def _turn(locks: ChatLocks, chat_id: int) -> None:
    async with locks.working(chat_id):
        pass


async def _two_processes(engine: Engine) -> None:
    first, second = ChatLocks(engine), ChatLocks(engine)
    try:
        async with second.working(CHAT):
            waiting = asyncio.create_task(_turn(first, CHAT))  # the same chat: it waits
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await asyncio.wait_for(_turn(first, OTHER_CHAT), 5)  # another chat: at once
        await asyncio.wait_for(waiting, 5)  # given back: the first process takes its turn
    finally:
        await first.close()
        await second.close()


def test_one_chat_is_worked_by_one_process_at_a_time(postgresql: Engine) -> None:
    asyncio.run(_two_processes(postgresql))


async def _process_dies(engine: Engine) -> None:
    dead, alive = ChatLocks(engine), ChatLocks(engine)
    try:
        assert await dead._take(CHAT)  # killed mid-update: its lock is never given back
        assert not await alive._take(CHAT)
        await dead.close()  # its connections go, as when the process is killed
        await asyncio.wait_for(_turn(alive, CHAT), 5)
    finally:
        await alive.close()


def test_a_dead_process_leaves_no_lock_behind(postgresql: Engine) -> None:
    asyncio.run(_process_dies(postgresql))
