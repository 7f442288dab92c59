"""No reply is lost: flood control waited out, failed sends retried, unfinished work resumed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from telegram import Message

from bot.cli import cli
from bot.telegram import TelegramOptions
from bot.telegram import conversation as telegram_conversation
from bot.telegram.inbox import Inbox
from bot.wiring import Services
from handlers import Inbound, catalogue
from storage import Delivery, InboundUpdate
from tests.bot.telegram_helpers import (
    FAST,
    WAIT,
    RunningBot,
    TelegramTipster,
    is_text_to,
    rows,
    running_bot,
)
from tests.conftest import REDIS_URL
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550001


@pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")  # PTB's own RetryAfter
def test_a_retry_after_is_waited_out_and_the_reply_still_arrives(
    svc: Services, fake: FakeTelegram, updates: UpdateFactory
) -> None:
    with running_bot(svc, fake, options=TelegramOptions(retry_delays=(0.05,))) as bot:
        fake.fail_next("sendMessage", retry_after=1)
        bot.deliver(updates.command(TIPSTER, "start"))
        fake.wait_for(is_text_to(TIPSTER), WAIT)
    refused, sent = fake.calls("sendMessage")
    assert refused.error_code == 429 and sent.error_code is None
    assert sent.at - refused.at >= 1.0  # Telegram's wait was honoured before sending again


def test_a_failed_send_is_sent_again_with_the_same_answer(
    bot: RunningBot, updates: UpdateFactory, engine: Engine
) -> None:
    bot.fake.fail_next("sendMessage", error_code=502, times=2)
    bot.deliver(updates.command(TIPSTER, "start"))
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT)
    assert [c.error_code for c in bot.fake.calls("sendMessage")] == [502, 502, None]
    assert "你想报告什么" in bot.fake.sent_messages(TIPSTER)[0].text
    assert len(rows(engine, Delivery)) == 1  # the interview ran once; the reply was replayed
    bot.settle()
    [stored] = rows(engine, InboundUpdate)
    assert stored.processed_at is not None


def test_updates_stored_by_a_previous_run_are_finished_at_start(
    svc: Services, fake: FakeTelegram, updates: UpdateFactory, engine: Engine
) -> None:
    Inbox(svc.engine, svc.cipher).store(updates.command(TIPSTER, "start"), TIPSTER)  # then died
    with running_bot(svc, fake, options=FAST):
        fake.wait_for(is_text_to(TIPSTER), WAIT)
    assert "你想报告什么" in fake.sent_messages(TIPSTER)[0].text
    [update] = rows(engine, InboundUpdate)
    assert update.processed_at is not None and update.payload == ""


def test_an_update_left_by_a_dead_process_is_answered_before_the_chats_next_one(
    bot: RunningBot, svc: Services, updates: UpdateFactory, engine: Engine
) -> None:
    # Another web process stored /start, answered Telegram 200, and was killed: nobody
    # restarts it. The tipster's next message reaches this process.
    Inbox(svc.engine, svc.cipher).store(updates.command(TIPSTER, "start"), TIPSTER)
    tipster = TelegramTipster(bot, updates, TIPSTER)

    tipster.send(updates.text(TIPSTER, "1"), expect=2)

    welcome, safety = bot.fake.sent_messages(TIPSTER)
    assert "你想报告什么" in welcome.text  # /start first, then "1" as its answer
    assert "安全第一" in safety.text
    bot.settle()
    assert all(row.processed_at is not None for row in rows(engine, InboundUpdate))


def test_a_bug_is_logged_without_the_tipsters_words_and_tried_again_before_the_next(
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(message: Message, *, delivery: str) -> Inbound:
        monkeypatch.undo()  # only the first message meets the bug
        raise ValueError(f"cannot read {message.text}")

    monkeypatch.setattr(telegram_conversation, "from_message", broken)
    bot.deliver(updates.text(TIPSTER, "我在菜市场看到的孩子"))
    bot.deliver(updates.command(TIPSTER, "start"))
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT)
    bot.settle()

    assert "你想报告什么" in bot.fake.sent_messages(TIPSTER)[0].text
    assert "update 1 failed (ValueError at" in caplog.text and "菜市场" not in caplog.text
    # The failed update was kept, and tried again (now without the bug) before the chat's next.
    assert all(update.processed_at is not None for update in rows(engine, InboundUpdate))
    assert len(bot.fake.sent_messages(TIPSTER)) == 2


def test_an_update_that_keeps_failing_is_set_aside_and_the_chat_goes_on(
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    database_url: str,
    tmp_path: Path,
) -> None:
    real = telegram_conversation.from_message
    tries: list[str] = []

    def choking(message: Message, *, delivery: str) -> Inbound:
        if message.text == "孩子在菜市场":  # content the database refuses, every time
            tries.append(delivery)
            raise DataError("INSERT …", {}, ValueError("invalid byte sequence"))
        return real(message, delivery=delivery)

    monkeypatch.setattr(telegram_conversation, "from_message", choking)
    answers: list[list[str]] = []
    for update in (
        updates.command(TIPSTER, "start"),
        updates.text(TIPSTER, "孩子在菜市场"),  # the first try fails
        updates.command(TIPSTER, "help"),  # the second, then /help
        updates.command(TIPSTER, "help"),  # the third: set aside, with an apology
        updates.command(TIPSTER, "help"),  # no fourth
    ):
        before = len(bot.fake.sent_messages(TIPSTER))
        bot.deliver(update)
        bot.settle()
        answers.append([m.text for m in bot.fake.sent_messages(TIPSTER)[before:]])

    assert len(tries) == 3  # once each time, never retried in place like an outage
    apology = catalogue().text("zh_CN", "inbound.set_aside")
    assert answers[1] == [] and apology not in answers[2] and answers[4] == answers[2]
    assert answers[3] == [apology, *answers[2]]  # sorry, then the answer to their next
    [poison] = [u for u in rows(engine, InboundUpdate) if u.set_aside_at is not None]
    assert poison.failures == 3 and poison.failure.startswith("DataError at ")
    assert poison.processed_at is None and poison.payload  # kept (encrypted) for a retry
    assert all(u.processed_at for u in rows(engine, InboundUpdate) if u.id != poison.id)
    assert "菜市场" not in caplog.text and "set aside (DataError at" in caplog.text

    env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "HOMEWARD_DATA_DIR": str(tmp_path)}
    listed = CliRunner(env=env).invoke(cli, ["inbound", "list"])
    assert f"{poison.id}  telegram" in listed.output and "3x  DataError at" in listed.output
    assert "菜市场" not in listed.output
    retried = CliRunner(env=env).invoke(cli, ["inbound", "retry", str(poison.id)])
    assert "back in line" in retried.output
    [again] = [u for u in rows(engine, InboundUpdate) if u.id == poison.id]
    assert again.set_aside_at is None and again.failures == 0 and again.payload
