"""A flood of new chats waits in its own line; tipsters in the middle of a report go first."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import redis
from rq import Queue
from sqlalchemy.engine import Engine

from bot.telegram.ordering import ChatQueues
from handlers import Intake
from storage import FieldCipher, InboundUpdate
from tests.bot.telegram_helpers import (
    FAST,
    TelegramTipster,
    make_services,
    rows,
    running_bot,
    telegram_settings,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory

ONGOING = "tipster in the middle of a report"
TIPSTER = 5550001


def test_a_chat_already_talking_to_us_takes_the_next_slot_before_new_ones() -> None:
    async def main() -> list[str]:
        done: list[str] = []
        gate = asyncio.Event()

        async def run(item: str) -> None:
            if item == "first":
                await gate.wait()  # holds the only slot while the flood queues up
            done.append(item)

        queues: ChatQueues[str] = ChatQueues(run, max_parallel=1)
        queues.submit(ONGOING, "earlier answer")
        await queues.join(timeout=5)  # the chat is now known here
        queues.submit("blocker", "first")
        await asyncio.sleep(0)
        for n in range(20):
            queues.submit(f"new chat {n}", f"/start {n}")
        queues.submit(ONGOING, "next answer")
        await asyncio.sleep(0.05)
        gate.set()
        await queues.drain(timeout=5)
        return done

    done = asyncio.run(main())
    assert done[:3] == ["earlier answer", "first", "next answer"]
    assert sorted(done[3:]) == sorted(f"/start {n}" for n in range(20))  # all answered after


def test_new_chats_are_let_in_at_the_configured_rate_while_known_ones_go_at_once() -> None:
    async def main() -> tuple[list[str], list[str]]:
        done: list[str] = []
        queues: ChatQueues[str] = ChatQueues(
            lambda item: _record(done, item), max_parallel=4, new_chats_per_minute=3
        )
        queues.submit(ONGOING, "earlier answer")
        await queues.join(timeout=5)
        for n in range(10):
            queues.submit(f"new chat {n}", f"/start {n}")
        await asyncio.sleep(0.3)
        queues.submit(ONGOING, "next answer")
        await asyncio.sleep(0.3)
        soon = list(done)
        await queues.drain(timeout=0.1)  # the rest would come in one every 20 s
        return soon, done

    soon, _ = asyncio.run(main())
    assert "next answer" in soon
    # The earlier answer was the chat's first: it took the single admission of the burst.
    assert [item for item in soon if item.startswith("/start")] == []


async def _record(done: list[str], item: str) -> None:
    done.append(item)


def test_remembered_chats_are_forgotten_after_an_hour() -> None:
    now = [0.0]

    async def main() -> tuple[bool, bool]:
        async def run(item: str) -> None:
            pass

        queues: ChatQueues[str] = ChatQueues(run, max_parallel=1, clock=lambda: now[0])
        queues.submit(ONGOING, "answer")
        await queues.join(timeout=5)
        known_now = queues.known(ONGOING)
        now[0] += 3601
        return known_now, queues.known(ONGOING)

    assert asyncio.run(main()) == (True, False)


# -- through the webhook ------------------------------------------------------------------


def test_a_flood_of_new_chats_does_not_hold_up_a_tipster_mid_report(
    fake: FakeTelegram,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> None:
    # Two new chats a minute: a burst of one, then one every 30 s.
    settings = telegram_settings(fake, telegram_new_chats_per_minute=2)
    svc = make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip
    updates = UpdateFactory()
    with running_bot(svc, fake, options=replace(FAST, stop_grace_seconds=0.5)) as bot:
        tipster = TelegramTipster(bot, updates, TIPSTER)
        tipster.says("/start")  # the first new chat of the minute: answered at once
        flood = [7770000 + n for n in range(30)]
        for chat_id in flood:
            assert bot.post(updates.command(chat_id, "/start")) == 200  # stored, acknowledged
        question = tipster.question
        answer = tipster.taps(tipster.buttons[0])  # the tipster's next step: answered at once
        assert answer.message_id != question.message_id or answer.text != question.text
        answered = [chat_id for chat_id in flood if fake.sent_messages(chat_id)]
        assert len(answered) <= 1  # one more may have come in on the 30 s schedule
        stored = {row.update_key for row in rows(engine, InboundUpdate)}
        assert len(stored) == 32  # nothing refused: the flood waits its turn
