"""The cross-process chat locks, with two `ChatLocks` standing for two web processes."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import Engine

from bot.telegram.chatlocks import ChatLocks
from bot.telegram.convert import CHANNEL
from storage import session_scope
from storage.inbound import store_update

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


async def _done_gives_back(engine: Engine, row_id: int) -> None:
    first, second = ChatLocks(engine), ChatLocks(engine)
    try:
        async with first.working(CHAT, ("chat-key", row_id)) as turn:
            assert await turn.waiting("chat-key", row_id) == [(row_id, "sealed")]
            await turn.done(row_id, last=True)
            assert await second._take(CHAT)  # given back with "done", before the block ends
        await second.close()
        async with first.working(CHAT, ("chat-key", row_id)) as turn:  # done: nothing waits
            assert await turn.waiting("chat-key", row_id) == []
    finally:
        await first.close()
        await second.close()


def test_the_last_done_gives_the_lock_back_once_committed(postgresql: Engine) -> None:
    with session_scope(postgresql) as session:
        row_id = store_update(
            session=session,
            channel=CHANNEL,
            update_key="lock-test-1",
            payload="sealed",
            chat_key="chat-key",
        )
    assert row_id is not None
    asyncio.run(_done_gives_back(postgresql, row_id))
