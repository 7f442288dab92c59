"""The coordinators' Telegram group: tip cards, their buttons and commands, and the relay."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.telegram.botapi import BotApi
from bot.telegram.config import TelegramOptions, telegram_config
from bot.telegram.coordinators.group import CoordinatorGroup
from bot.telegram.coordinators.notifier import TelegramNotifier, post_to_group
from bot.telegram.coordinators.relay import TelegramRelaySender
from bot.wiring import Services
from storage import Channel
from triage.alerts.reply_pace import ReplyPace

__all__ = [
    "CoordinatorGroup",
    "TelegramNotifier",
    "TelegramRelaySender",
    "post_to_group",
    "telegram_worker",
]


def telegram_worker(
    svc: Services, *, options: TelegramOptions | None = None
) -> tuple[TelegramNotifier | None, TelegramRelaySender]:
    """The worker's Telegram parts: the group notifier (with COORDINATOR_CHAT_ID) and the relay."""
    # The worker's messages count in the alerts' shared pace, as the web process's replies do.
    pace = ReplyPace(svc.redis, Channel.TELEGRAM, per_second=svc.settings.alert_messages_per_second)
    api = BotApi(telegram_config(svc.settings), on_send=pace.note_now)
    chat_id = svc.settings.coordinator_chat_id
    notifier = None
    if chat_id is not None:
        notifier = TelegramNotifier(
            api,
            chat_id=chat_id,
            queue=svc.queue,
            language=(options or TelegramOptions()).coordinator_language,
            tz=ZoneInfo(svc.settings.homeward_timezone),
        )
    return notifier, TelegramRelaySender(api)
