"""Preparing a worker process for WeChat jobs: late replies and media downloads."""

from __future__ import annotations

from functools import partial

from bot.wechat import jobs
from bot.wechat.client import make_client
from bot.wechat.config import wechat_config
from bot.wechat.media import WeChatMediaFetcher
from bot.wechat.relay import WeChatRelaySender
from bot.wiring import Services

__all__ = ["configure_worker", "wechat_relay_sender"]


def configure_worker(svc: Services) -> WeChatMediaFetcher:
    """Configure the late-reply job for this process; return the media fetcher to register."""
    config = wechat_config(svc.settings)
    jobs.configure(
        jobs.WorkerContext(
            config=config,
            cipher=svc.cipher,
            interview=svc.settings.interview(),
            redis=svc.redis,
        )
    )
    return WeChatMediaFetcher(partial(make_client, config, svc.redis))


def wechat_relay_sender(svc: Services) -> WeChatRelaySender:
    """The relay sender for coordinators' questions to WeChat tipsters."""
    return WeChatRelaySender(partial(make_client, wechat_config(svc.settings), svc.redis))
