"""The worker's Bot API calls share one kept connection per process, closed at shutdown."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.telegram.alerts import TelegramAlertSender
from bot.telegram.botapi import BotApi
from bot.telegram.config import TelegramConfig
from bot.telegram.connection import bot_api_client, close_bot_api_client
from tests.fakes.telegram_api import FakeTelegram
from triage.alerts import AlertMessage

CHAT = 5550001


@pytest.fixture
def kept() -> Iterator[FakeTelegram]:
    """A fake Bot API that keeps connections open, as Telegram's does."""
    close_bot_api_client()  # start from no connection at all
    with FakeTelegram(keep_alive=True) as fake:
        yield fake
        close_bot_api_client()


def config_of(fake: FakeTelegram) -> TelegramConfig:
    return TelegramConfig(token=fake.token, api_base_url=fake.base_url, file_base_url="")


def test_calls_and_an_alert_fan_out_go_over_one_connection(kept: FakeTelegram) -> None:
    api, alerts = BotApi(config_of(kept)), TelegramAlertSender(config_of(kept))
    for n in range(3):
        api.call("sendMessage", chat_id=CHAT, text=f"card {n}")
    alerts.send_alert(
        AlertMessage(str(CHAT), "en", "Missing child", alert_id=7, seen_button="I saw")
    )

    assert [m.text for m in kept.sent_messages(CHAT)] == [
        "card 0",
        "card 1",
        "card 2",
        "Missing child",
    ]
    assert kept.connections == 1


def test_closing_at_shutdown_closes_the_client_and_a_later_call_opens_another(
    kept: FakeTelegram,
) -> None:
    api = BotApi(config_of(kept))
    api.call("sendMessage", chat_id=CHAT, text="before")
    client = bot_api_client()

    close_bot_api_client()

    assert client.is_closed
    api.call("sendMessage", chat_id=CHAT, text="after")
    assert bot_api_client() is not client and kept.connections == 2


def test_a_forked_child_gets_a_client_of_its_own_and_leaves_the_parents_open(
    kept: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    parents = bot_api_client()
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in rq's work-horse after its fork

    childs = bot_api_client()
    close_bot_api_client()

    assert childs is not parents and not parents.is_closed  # the parent's sockets untouched
    monkeypatch.undo()
    parents.close()
