"""The benchmark's alert worker process: `homeward worker`'s Worker on the alert queue,
sending through the Bot API client to the fake at TELEGRAM_API_BASE_URL."""

from __future__ import annotations

import os

import redis
from rq import Queue

from bot.telegram.alerts import TelegramAlertSender
from bot.telegram.config import TelegramConfig
from bot.worker import Worker
from storage import FieldCipher
from triage import Runtime, configure
from triage.alerts import ALERT_QUEUE, AlertDeliveryConfig, configure_alert_delivery


def main() -> None:
    """Work the alert queue until killed (or empty)."""
    connection = redis.Redis.from_url(os.environ["REDIS_URL"])
    cipher = FieldCipher(os.environ["HOMEWARD_SECRET_KEY"])
    configure(Runtime(database_url=os.environ["DATABASE_URL"], cipher=cipher))
    base = os.environ["TELEGRAM_API_BASE_URL"]
    config = TelegramConfig(
        token=os.environ["TELEGRAM_BOT_TOKEN"], api_base_url=base, file_base_url=base
    )
    configure_alert_delivery(
        AlertDeliveryConfig(
            redis=connection,
            senders={"telegram": TelegramAlertSender(config)},
            per_second=float(os.environ.get("ALERT_MESSAGES_PER_SECOND", "29")),
        )
    )
    queue = Queue(ALERT_QUEUE, connection=connection)
    Worker([queue], connection=connection).work(burst=True, logging_level="WARNING")


if __name__ == "__main__":
    main()
