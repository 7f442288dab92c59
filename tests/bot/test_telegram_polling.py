"""Without a webhook the bot long-polls, with the same store-first path: a report by typing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from rq import Queue
from sqlalchemy.engine import Engine

from bot.wiring import Services
from handlers import Intake
from storage import FieldCipher, InboundUpdate, Report
from tests.bot.inbox_outage import store_fails
from tests.bot.telegram_helpers import (
    WAIT,
    RunningBot,
    TelegramTipster,
    is_text_to,
    make_services,
    rows,
    running_bot,
    telegram_settings,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550001


@pytest.fixture
def bot(
    fake: FakeTelegram,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> Iterator[RunningBot]:
    settings = telegram_settings(fake, webhook=False)
    svc: Services = make_services(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        queue=queue,
        intake=intake,
    )
    with running_bot(svc, fake) as running:
        yield running


def test_an_english_sighting_is_reported_by_typing_over_long_polling(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    assert bot.channel.routes() == [] and bot.fake.calls("deleteWebhook")
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    assert "Welcome to Homeward" in tipster.says("/start").text
    tipster.says("1")
    where = tipster.says("Continue")
    assert where.reply_markup is not None
    assert where.reply_markup["keyboard"][0][0] == {
        "text": "📍 Send my location",
        "request_location": True,
    }
    for text, asked_next in [
        ("Chengdu North railway station", "When did you last see the child?"),
        ("3 days ago", "Is the child still there?"),
        ("The child lives nearby", "boy or a girl?"),
        ("girl", "How old does the child look?"),
        ("6", "Describe the child"),
        ("thin, short hair, a scar on her chin", "What do the adults call the child?"),
        ("Xiaobao, Gouwa", "give a different name"),
        ("/skip", "Did the child say anything else"),
        ("She wants to go home to her mum", "What language or dialect"),
        ("she spoke Hokkien", "speak differently"),
        ("yes", "Tick all that apply"),
        ("1 2", "Tick all that apply"),
        ("Done", "Tell us about the adults"),
        ("A man and a woman with a white van", "photos, videos or voice notes"),
        ("Done", "Do you want to stay anonymous?"),
        ("2", "Type your phone number"),
        ("138 0013 8000", "Is everything right?"),
    ]:
        assert asked_next in tipster.says(text).text, text
    review = tipster.text
    assert "Chengdu North railway station" in review and "+86 138****8000" in review
    assert "13800138000" not in review
    assert "Reference code: HW-" in tipster.says("Submit").text

    report = rows(engine, Report)[0]
    assert (report.language, report.child_sex, report.child_age_min) == ("en", "girl", 6)
    assert report.names_used == ["Xiaobao", "Gouwa"] and report.dialect == "minnan"
    assert report.signs == ["wants_home", "afraid"] and report.channel == "telegram"
    assert cipher.decrypt(report.contact_phone or "") == "+8613800138000"
    bot.settle()
    stored = rows(engine, InboundUpdate)
    assert len(stored) == len(tipster.delivered) and all(u.processed_at for u in stored)


def test_a_polled_update_is_confirmed_only_once_it_is_stored(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_fails(monkeypatch, once=True)  # the database comes back for the next attempt
    update_id = bot.fake.push_update(updates.command(TIPSTER, "start"))
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT)

    fetched = [
        c
        for c in bot.fake.calls("getUpdates")
        if any(u["update_id"] == update_id for u in c.result or [])
    ]
    assert len(fetched) == 2  # not confirmed while unstored, so Telegram handed it out again
    bot.settle()
    [stored] = rows(engine, InboundUpdate)
    assert stored.update_key == str(update_id) and stored.processed_at is not None


def test_over_polling_a_tap_is_answered_by_a_call(bot: RunningBot, updates: UpdateFactory) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    tipster.says("/start")
    tap = tipster.tap_update(tipster.question, "kind:sighting")
    tipster.send(tap)

    [answer] = bot.fake.calls("answerCallbackQuery")  # no webhook response to carry it
    assert answer.params["callback_query_id"] == tap["callback_query"]["id"]
    assert not answer.in_webhook_answer
