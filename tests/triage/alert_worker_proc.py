"""A worker process for the kill -9 test: it works the alert queue, sending to a fake Telegram.

With HANG_AT=n it stops for good right after Telegram took its n-th message and before the
row is marked sent (having said so in Redis), so the test kills it at the one point where a
re-send would be a duplicate.
"""

from __future__ import annotations

import os
import time

import redis
from rq import Queue

from bot.telegram.alerts import TelegramAlertSender
from bot.telegram.config import TelegramConfig
from bot.worker import Worker
from storage import FieldCipher
from triage import Runtime, configure
from triage.alerts import ALERT_QUEUE, AlertDeliveryConfig, AlertMessage, configure_alert_delivery

HUNG = "test:alert-worker-hung"


class HangingSender(TelegramAlertSender):
    """Sends as on Telegram; after the n-th message it hangs (sent, not marked)."""

    def __init__(self, config: TelegramConfig, connection: redis.Redis, hang_at: int) -> None:
        super().__init__(config)
        self.connection, self.hang_at, self.count = connection, hang_at, 0

    def send_alert(self, message: AlertMessage) -> None:
        """Send; hang after the n-th."""
        super().send_alert(message)
        self.count += 1
        if self.count == self.hang_at:
            self.connection.set(HUNG, message.user_id)
            time.sleep(3600)


def main() -> None:
    """Work the alert queue until it is empty (or until killed)."""
    connection = redis.Redis.from_url(os.environ["REDIS_URL"])
    configure(
        Runtime(
            database_url=os.environ["DATABASE_URL"],
            cipher=FieldCipher(os.environ["HOMEWARD_SECRET_KEY"]),
        )
    )
    config = TelegramConfig(
        token=os.environ["TELEGRAM_BOT_TOKEN"],
        api_base_url=os.environ["TELEGRAM_API_BASE_URL"],
        file_base_url=os.environ["TELEGRAM_API_BASE_URL"],
    )
    sender = HangingSender(config, connection, int(os.environ.get("HANG_AT", "0")))
    configure_alert_delivery(
        AlertDeliveryConfig(redis=connection, senders={"telegram": sender}, per_second=1000.0)
    )
    Worker([Queue(ALERT_QUEUE, connection=connection)], connection=connection).work(burst=True)


if __name__ == "__main__":
    main()
