"""The worker's alert parts: a sender per configured platform, the pace, the alert queue."""

from __future__ import annotations

from functools import partial

from rq import Queue

from bot.wiring import Services
from storage import Channel
from triage.alerts import ALERT_QUEUE, AlertDeliveryConfig, AlertSender, configure_alert_delivery
from triage.alerts.fanout import resume_fanouts

__all__ = ["alert_queue", "configure_alerts", "resume_alerts"]


def alert_queue(svc: Services) -> Queue:
    """The low-priority queue of alert fan-outs (the worker takes report jobs first)."""
    return Queue(ALERT_QUEUE, connection=svc.redis)


def configure_alerts(svc: Services) -> None:
    """Give this process's fan-out jobs their senders and settings."""
    settings = svc.settings
    senders: dict[str, AlertSender] = {}
    if settings.telegram_bot_token:
        from bot.telegram.alerts import TelegramAlertSender
        from bot.telegram.config import telegram_config

        senders[Channel.TELEGRAM] = TelegramAlertSender(telegram_config(settings))
    if settings.wechat_token:
        from bot.wechat.alerts import WeChatAlertSender
        from bot.wechat.client import make_client
        from bot.wechat.config import wechat_config

        client = partial(make_client, wechat_config(settings), svc.redis)
        senders[Channel.WECHAT] = WeChatAlertSender(
            client, template_id=settings.wechat_alert_template_id
        )
    configure_alert_delivery(
        AlertDeliveryConfig(
            redis=svc.redis,
            senders=senders,
            per_second=settings.alert_messages_per_second,
            emergency=settings.emergency_number,
            page_base_url=settings.homeward_public_url,
        )
    )


def resume_alerts(svc: Services) -> int:
    """The sweeper's part: fan-outs a lost worker left unfinished are queued again."""
    return resume_fanouts(svc.engine, alert_queue(svc))
