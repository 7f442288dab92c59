"""Telegram settings: checked at start-up, with one clear line for each mistake."""

from __future__ import annotations

from typing import Any

import pytest

from bot.settings import Settings, SettingsError
from bot.telegram import telegram_config
from bot.telegram.config import check_bot_api
from tests.bot.telegram_helpers import telegram_settings
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram


def settings(**values: Any) -> Settings:
    """Settings from these values only (no environment file)."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_telegram_settings_are_checked_with_clear_messages() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN is malformed"):
        telegram_config(settings(telegram_bot_token="not-a-token"))
    with pytest.raises(SettingsError, match="needs TELEGRAM_WEBHOOK_SECRET"):
        telegram_config(
            settings(telegram_bot_token=DEFAULT_TOKEN, telegram_webhook_url="https://x.example")
        )
    with pytest.raises(SettingsError, match="must be the public https"):
        telegram_config(
            settings(
                telegram_bot_token=DEFAULT_TOKEN,
                telegram_webhook_url="http://x.example",
                telegram_webhook_secret="abc",
            )
        )
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET may only hold"):
        telegram_config(
            settings(telegram_bot_token=DEFAULT_TOKEN, telegram_webhook_secret="no spaces")
        )
    config = telegram_config(settings(telegram_bot_token=DEFAULT_TOKEN))
    assert config.polling and config.file_base_url == "https://api.telegram.org/file/bot"
    assert DEFAULT_TOKEN not in repr(config)


def test_an_unreachable_or_refusing_bot_api_is_a_clear_start_up_error(fake: FakeTelegram) -> None:
    closed = telegram_config(
        settings(telegram_bot_token=DEFAULT_TOKEN, telegram_api_base_url="http://127.0.0.1:9/bot")
    )
    with pytest.raises(SettingsError, match="could not be reached") as unreachable:
        check_bot_api(closed, timeout=2)
    assert DEFAULT_TOKEN not in str(unreachable.value)
    wrong = telegram_settings(fake, telegram_bot_token="999:" + "x" * 35)
    with pytest.raises(SettingsError, match="refused TELEGRAM_BOT_TOKEN"):
        check_bot_api(telegram_config(wrong))
    check_bot_api(telegram_config(telegram_settings(fake)))  # the fake knows our token
