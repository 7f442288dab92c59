"""The WeChat Official Account channel: a thin wechatpy adapter around the intake."""

from bot.wechat.channel import REPLY_DEADLINE, WeChatChannel
from bot.wechat.config import WeChatConfig, wechat_config
from bot.wechat.media import MediaGone, WeChatMediaFetcher
from bot.wechat.worker import configure_worker, wechat_relay_sender

__all__ = [
    "REPLY_DEADLINE",
    "MediaGone",
    "WeChatChannel",
    "WeChatConfig",
    "WeChatMediaFetcher",
    "configure_worker",
    "wechat_relay_sender",
    "wechat_config",
]
