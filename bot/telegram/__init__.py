"""The Telegram channel: python-telegram-bot as a thin adapter around the neutral interview."""

from bot.telegram.channel import TelegramChannel
from bot.telegram.config import TelegramConfig, TelegramOptions, telegram_config
from bot.telegram.media import TelegramFetcher, telegram_fetcher

__all__ = [
    "TelegramChannel",
    "TelegramConfig",
    "TelegramFetcher",
    "TelegramOptions",
    "telegram_config",
    "telegram_fetcher",
]
