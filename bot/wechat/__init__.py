"""The WeChat Official Account channel: a thin wechatpy adapter around the intake."""

from bot.wechat.channel import REPLY_DEADLINE, WeChatChannel
from bot.wechat.config import WeChatConfig, wechat_config
from bot.wechat.media import MediaGone, WeChatMediaFetcher
from bot.wechat.worker import wechat_fetcher, wechat_relay_sender

__all__ = [
    "REPLY_DEADLINE",
    "MediaGone",
    "WeChatChannel",
    "WeChatConfig",
    "WeChatMediaFetcher",
    "wechat_relay_sender",
    "wechat_config",
    "wechat_fetcher",
]
