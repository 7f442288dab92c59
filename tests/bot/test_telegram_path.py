"""One interview update's path, counted: one transaction, no thread hop, one call.

Counted on the real path (webhook → inbox → chat turn → interview → reply), with SQLAlchemy's
own events on the engine, a counter around `asyncio.to_thread` and one around the interview's
turn on the event loop (`handlers.quick_turn`); a count, never a time. The update's store
(the inbox's own asyncio connections), the chat lock's statements (take, what waits, done,
give back) and the interview's usual turn go on asyncio connections outside the engine's
pool, on the event loop; a submission goes to the intake's transaction in a thread. Those
connections are PostgreSQL's: on SQLite (one process, no lock) everything goes through the
engine, so these counts are PostgreSQL's and the tests skip on SQLite.
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
from sqlmodel import Session, select

from bot.telegram import interview_turns
from handlers.quick_turn import quick_turn
from storage import Report
from tests.bot.telegram_helpers import RunningBot, TelegramTipster
from tests.fakes.telegram_updates import UpdateFactory
from tests.stories import answers_other_information, receipt_ref

TIPSTER = 5550042
LIMITED = ("sendMessage", "editMessageText", "editMessageReplyMarkup")  # Telegram's send limits


@contextmanager
def counting(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count transactions begun and committed on the engine, hops to a thread, and the
    interview's turns on the event loop (done there, or handed to the thread)."""
    counts: Counter[str] = Counter()
    to_thread = asyncio.to_thread

    async def turn(*args: Any) -> Any:
        replies = await quick_turn(*args)
        counts["turns on the loop" if replies is not None else "turns handed over"] += 1
        return replies

    async def hop(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        counts["thread hops"] += 1
        return await to_thread(func, *args, **kwargs)

    def began(_: object) -> None:
        counts["transactions"] += 1

    def committed(_: object) -> None:
        counts["commits"] += 1

    monkeypatch.setattr(asyncio, "to_thread", hop)
    monkeypatch.setattr(interview_turns, "quick_turn", turn)
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


def test_an_interview_update_costs_one_transaction_on_the_event_loop_and_no_thread_hop(
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

    assert counts == {"turns on the loop": 1}
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

    assert counts == {"turns on the loop": 1}
    assert limited_calls(bot) - calls_before == 1


def test_a_submission_goes_to_the_intakes_transaction_in_a_thread(
    postgresql: None,
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    answers_other_information(tipster)
    bot.settle()

    with counting(engine, monkeypatch) as counts:
        tipster.taps("Submit")
        bot.settle()

    # The turn on the loop rolled back; in the thread, the report and its outbox rows in one
    # transaction, then the follow-up work queued (the outbox rows marked, in transactions of
    # their own, as before this path existed).
    assert (counts["turns handed over"], counts["thread hops"]) == (1, 1)
    assert "turns on the loop" not in counts
    assert receipt_ref(tipster.text)
    with Session(engine) as session:
        assert len(session.exec(select(Report)).all()) == 1
