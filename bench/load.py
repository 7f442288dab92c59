"""Load generators: an open loop on a fixed schedule, and closed-loop chats for throughput."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass

from bench.client import WebhookClient
from bench.fakebot import FakeBotApi
from bench.script import Script, Updates

__all__ = ["Sent", "closed_loop", "drain", "open_loop", "reply_times"]

REPLY_TIMEOUT = 20.0  # a closed-loop chat gives up waiting for a reply after this long
REDELIVERIES = 3  # Telegram sends an update again until it gets a 200 (sooner here)


@dataclass(slots=True)
class Sent:
    """One update: its chat, its place in the script, when it was due and when it was acked."""

    chat: int
    index: int
    due: float
    acked: float = 0.0
    status: int = 0
    refusals: int = 0  # answers other than 200 before the last one
    replied: float = 0.0  # closed loop: when its last reply arrived


async def _post(client: WebhookClient, body: bytes, sent: Sent) -> None:
    """POST an update; like Telegram, deliver it again while the answer isn't 200."""
    for attempt in range(REDELIVERIES + 1):
        sent.status = await client.post(body)
        if sent.status == 200 or attempt == REDELIVERIES:
            break
        sent.refusals += 1
        await asyncio.sleep(0.1)
    sent.acked = time.monotonic()


async def open_loop(
    client: WebhookClient,
    fake: FakeBotApi,
    script: Script,
    updates: Updates,
    *,
    rate: float,
    duration: float,
    lanes: int,
    first_chat: int,
) -> list[Sent]:
    """Post `rate` updates a second for `duration` s, each chat answering every `lanes/rate` s.

    The schedule is fixed in advance: a slow server does not slow the sender down, and each
    time is measured from when the update was due (no coordinated omission).
    """
    chats = itertools.count(first_chat)
    lane_state = [(next(chats), 0) for _ in range(lanes)]
    sent: list[Sent] = []
    tasks: set[asyncio.Task[None]] = set()
    start = time.monotonic() + 0.2
    for i in range(int(rate * duration)):
        due = start + i / rate
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        chat, index = lane_state[i % lanes]
        if index == len(script.steps):  # this tipster is done; a new one takes the lane
            chat, index = next(chats), 0
        lane_state[i % lanes] = (chat, index + 1)
        body = updates.build(chat, script.steps[index], bot_message_id=fake.last_message_id(chat))
        sent.append(record := Sent(chat, index, due))
        task = asyncio.create_task(_post(client, body, record))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    return sent


def _expected(script: Script, sent: list[Sent]) -> dict[int, int]:
    last: dict[int, int] = {}
    for s in sent:
        last[s.chat] = max(last.get(s.chat, 0), s.index + 1)
    return {chat: script.replies_before(n) for chat, n in last.items()}


async def drain(fake: FakeBotApi, script: Script, sent: list[Sent], timeout: float) -> float:
    """Wait until every sent update got its replies (or `timeout`); the seconds waited."""
    started = time.monotonic()
    expected = _expected(script, sent)
    while time.monotonic() - started < timeout:
        if all(len(fake.visible[chat]) >= n for chat, n in expected.items()):
            break
        await asyncio.sleep(0.25)
    return time.monotonic() - started


def reply_times(
    fake: FakeBotApi, script: Script, sent: list[Sent]
) -> list[tuple[Sent, float | None]]:
    """Each update that expects a reply, with due → first reply at the fake (None: none came)."""
    # One chat's updates are answered strictly in order, so the k-th reply in a chat belongs
    # to the update whose earlier steps account for k-1 replies.
    pairs: list[tuple[Sent, float | None]] = []
    for s in sent:
        if script.steps[s.index].replies == 0:
            continue
        seen, k = fake.visible[s.chat], script.replies_before(s.index)
        pairs.append((s, seen[k] - s.due if len(seen) > k else None))
    return pairs


async def closed_loop(
    client: WebhookClient,
    fake: FakeBotApi,
    script: Script,
    updates: Updates,
    *,
    chats: int,
    duration: float,
    first_chat: int,
) -> tuple[list[Sent], int]:
    """`chats` tipsters each send their next step once the last one was answered.

    Runs for `duration` s, then lets every chat's last update finish. Returns every update
    sent and how many replies never came.
    """
    chat_ids = itertools.count(first_chat)
    stop_at = time.monotonic() + duration
    sent: list[Sent] = []
    missing = 0

    async def tipster() -> None:
        nonlocal missing
        while time.monotonic() < stop_at:
            chat = next(chat_ids)
            for index, step in enumerate(script.steps):
                if time.monotonic() >= stop_at:
                    return
                body = updates.build(chat, step, bot_message_id=fake.last_message_id(chat))
                sent.append(record := Sent(chat, index, time.monotonic()))
                await _post(client, body, record)
                want = script.replies_before(index + 1)
                if not await fake.wait_visible(chat, want, REPLY_TIMEOUT):
                    missing += 1
                    break  # the conversation is out of step: start a new tipster
                record.replied = fake.visible[chat][want - 1] if want else record.acked

    await asyncio.gather(*(tipster() for _ in range(chats)))
    return sent, missing
