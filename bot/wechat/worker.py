"""What a worker process needs for WeChat: the media fetcher and the relay sender.

WeChat's late-reply jobs (`bot.wechat.jobs`) send through the relay sender and run the
interview on the worker's runtime (`bot.worker.worker_runtime`): nothing else to configure.
"""

from __future__ import annotations

from functools import partial

from bot.wechat.client import make_client
from bot.wechat.config import wechat_config
from bot.wechat.media import WeChatMediaFetcher
from bot.wechat.relay import WeChatRelaySender
from bot.wiring import Services

__all__ = ["wechat_fetcher", "wechat_relay_sender"]


def wechat_fetcher(svc: Services) -> WeChatMediaFetcher:
    """The media fetcher for WeChat attachments."""
    return WeChatMediaFetcher(partial(make_client, wechat_config(svc.settings), svc.redis))


def wechat_relay_sender(svc: Services) -> WeChatRelaySender:
    """The sender for coordinators' questions to WeChat tipsters, and for late replies."""
    return WeChatRelaySender(partial(make_client, wechat_config(svc.settings), svc.redis))
