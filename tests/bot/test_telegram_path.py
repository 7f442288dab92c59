"""One interview update's path, counted: one pooled transaction, one thread hop, one call.

Counted on the real path (webhook → inbox → chat turn → interview → reply), with SQLAlchemy's
own events on the engine and a counter around `asyncio.to_thread`; a count, never a time.
The update's store (the inbox's own asyncio connections) and the chat lock's statements
(take, what waits, done, give back, on the lock's asyncio connection) go on connections
outside the engine's pool, on the event loop, so neither counter sees them: what is left is
the interview's transaction in its thread. Those connections are PostgreSQL's: on SQLite
(one process, no lock) the store, what waits and "done" go through the engine, so these
counts are PostgreSQL's and the tests skip on SQLite.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.bot.telegram_helpers import RunningBot, TelegramTipster
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550042
LIMITED = ("sendMessage", "editMessageText", "editMessageReplyMarkup")  # Telegram's send limits


@contextmanager
def counting(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count transactions begun and committed on the engine, and hops to a thread."""
    counts: Counter[str] = Counter()
    to_thread = asyncio.to_thread

    async def hop(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        counts["thread hops"] += 1
        return await to_thread(func, *args, **kwargs)

    def began(_: object) -> None:
        counts["transactions"] += 1

    def committed(_: object) -> None:
        counts["commits"] += 1

    monkeypatch.setattr(asyncio, "to_thread", hop)
    event.listen(engine, "begin", began)
    event.listen(engine, "commit", committed)
    try:
        yield counts
    finally:
        event.remove(engine, "begin", began)
        event.remove(engine, "commit", committed)
        monkeypatch.undo()


def limited_calls(bot: RunningBot) -> int:
    """Bot API calls that count against Telegram's send limits, so far."""
    return sum(len(bot.fake.calls(method)) for method in LIMITED)


def test_an_interview_update_costs_one_pooled_transaction_and_one_thread_hop(
    postgresql: None,
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    bot.settle()
    calls_before = limited_calls(bot)

    with counting(engine, monkeypatch) as counts:
        tipster.taps("我看到一个可能被拐的孩子")  # stored, answered, replied, marked done
        bot.settle()

    assert counts == {"transactions": 1, "commits": 1, "thread hops": 1}
    assert limited_calls(bot) - calls_before == 1  # the tap's answer and next question: one edit
    [answer] = bot.fake.calls("answerCallbackQuery")  # the spinner (not limited)
    assert answer.in_webhook_answer  # carried by the webhook's 200: no call of its own


def test_a_typed_answer_costs_the_same(
    postgresql: None,
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    bot.settle()
    calls_before = limited_calls(bot)

    with counting(engine, monkeypatch) as counts:
        tipster.says("Chengdu East railway station")
        bot.settle()

    assert counts == {"transactions": 1, "commits": 1, "thread hops": 1}
    assert limited_calls(bot) - calls_before == 1
