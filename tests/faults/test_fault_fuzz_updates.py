"""Fuzzing the Telegram webhook: random and malformed updates never crash it, never get a 5xx,
never hang a chat, and a tipster writing anything at all in a private chat gets an answer.

The app runs in-process (webhook, handlers, database, Redis all real; the Bot API fake).
Examples are derandomized and bounded by default; HOMEWARD_LONG_FAULTS=1 explores more.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, Phase, given, settings
from rq import Queue
from sqlalchemy.engine import Engine

from bot.telegram.channel import SECRET_HEADER
from handlers import Intake
from storage import FieldCipher
from tests.bot.telegram_helpers import (
    FAST,
    SECRET,
    WAIT,
    RunningBot,
    TelegramTipster,
    make_services,
    running_bot,
    telegram_settings,
)
from tests.fakes.telegram_api import Call
from tests.fakes.telegram_updates import UpdateFactory
from tests.faults.conftest import LONG
from tests.faults.telegram_side import TrippingTelegram
from tests.faults.update_strategies import CHAT, GROUP, INTERVIEWS, Posted, updates

EXAMPLES = 2000 if LONG else 150


@pytest.fixture
def bot(
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> Iterator[RunningBot]:
    """The web app with its Telegram channel, sending as fast as the fake takes it."""
    with TrippingTelegram() as fake:
        svc = make_services(
            telegram_settings(fake),
            engine=engine,
            cipher=cipher,
            redis_client=redis_client,
            queue=queue,
            intake=intake,
        )
        with running_bot(svc, fake, options=replace(FAST, overall_per_second=10_000)) as running:
            yield running


def _renumbered(value: Any, ids: dict[int, int]) -> Any:
    """The value with the placeholder chat ids swapped for fresh ones."""
    if isinstance(value, dict):
        return {k: _renumbered(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_renumbered(v, ids) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return ids.get(value, value)
    return value


def test_whatever_arrives_the_webhook_answers_without_5xx_and_tipsters_hear_back(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    setup = UpdateFactory(first_update_id=8_000_000_001)
    for chat in INTERVIEWS:  # tipsters in the middle of a report, whose answers are kept
        tipster = TelegramTipster(bot, setup, chat)
        tipster.says("/start")
        tipster.taps("我看到一个可能被拐的孩子")
        tipster.taps("继续")
    fresh = itertools.count(7_000_000_001)
    seen: Counter[tuple[int, str | None]] = Counter()  # (HTTP status, reply owed) per example

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not LONG,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # examples share chats: shrinking misleads
        suppress_health_check=list(HealthCheck),
    )
    @given(posted=updates)
    def post(posted: Posted) -> None:
        chat, body, query_id = next(fresh), posted.body, ""
        if isinstance(body, dict):
            body = _renumbered(body, {CHAT: chat, GROUP: -chat})
            if isinstance(body.get("update_id"), int):
                body["update_id"] = chat
            if isinstance(body.get("callback_query"), dict):
                query_id = body["callback_query"]["id"] = f"q{chat}"
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        status = bot.post_body(content, headers)
        assert status in (200, 400), f"HTTP {status} for {content[:300]!r}"
        seen[(status, posted.owed)] += 1
        if posted.owed == "message":  # to the new chat, or to one of the interviews
            assert isinstance(body, dict)
            message = body.get("message") or body["edited_message"]
            bot.fake.wait_for(_message_to(message["chat"]["id"]), WAIT)
        elif posted.owed == "answer":
            bot.fake.wait_for(_answer_of(query_id), WAIT)

    post()
    assert sum(seen.values()) >= EXAMPLES, seen
    assert seen[200, "message"] and seen[200, "answer"] and seen[400, None], seen
    bot.settle()  # no chat's line is stuck on something it received
    tipster = TelegramTipster(bot, setup, 5550001)
    assert "你想报告什么" in tipster.says("/start").text  # and the bot still works
    ours = [r for r in caplog.records if r.name.startswith(("bot", "handlers", "storage"))]
    errors = [r.getMessage() for r in ours if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in ours if "failed (" in r.getMessage()]


def _message_to(chat: int) -> Any:
    def match(call: Call) -> bool:
        return call.is_("sendMessage") and not call.error_code and call.params["chat_id"] == chat

    return match


def _answer_of(query_id: str) -> Any:
    def match(call: Call) -> bool:
        return call.is_("answerCallbackQuery") and call.params.get("callback_query_id") == query_id

    return match
