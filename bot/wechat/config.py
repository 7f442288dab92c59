"""The WeChat channel's settings, checked once at start-up with clear messages."""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field

from bot.settings import Settings, SettingsError

__all__ = ["WeChatConfig", "wechat_config"]

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")  # the Official Account console's own rule
_APP_ID = re.compile(r"wx[A-Za-z0-9]{16}")
_AES_KEY = re.compile(r"[A-Za-z0-9]{43}")


@dataclass(frozen=True)
class WeChatConfig:
    """One Official Account: callback token, app credentials, optional safe-mode key."""

    token: str = field(repr=False)
    app_id: str
    app_secret: str = field(repr=False)
    encoding_aes_key: str | None = field(repr=False)
    api_base_url: str
    timestamp_window: int

    @property
    def safe_mode(self) -> bool:
        """True when messages are AES-encrypted (an EncodingAESKey is configured)."""
        return self.encoding_aes_key is not None


def _check_aes_key(key: str) -> None:
    if not _AES_KEY.fullmatch(key):
        raise SettingsError(
            "WECHAT_ENCODING_AES_KEY must be the 43-letter-and-digit EncodingAESKey from the "
            f"Official Account console (got {len(key)} characters)"
        )
    try:
        decoded = base64.b64decode(key + "=", validate=True)
    except binascii.Error as exc:
        raise SettingsError("WECHAT_ENCODING_AES_KEY is not a valid EncodingAESKey") from exc
    if len(decoded) != 32:
        raise SettingsError("WECHAT_ENCODING_AES_KEY does not decode to a 32-byte AES key")


def wechat_config(settings: Settings) -> WeChatConfig:
    """The WeChat settings, validated; SettingsError says what is wrong and how to fix it."""
    token = settings.wechat_token or ""
    if not _TOKEN.fullmatch(token):
        raise SettingsError("WECHAT_TOKEN must be 3-32 letters or digits, as in the console")
    app_id, secret = settings.wechat_app_id or "", settings.wechat_app_secret or ""
    if not app_id or not secret:
        raise SettingsError(
            "WECHAT_APP_ID and WECHAT_APP_SECRET are required with WECHAT_TOKEN: late replies "
            "(customer-service messages), photo downloads and safe mode need them"
        )
    if not _APP_ID.fullmatch(app_id):
        raise SettingsError("WECHAT_APP_ID must look like wx followed by 16 letters or digits")
    key = settings.wechat_encoding_aes_key or None
    if key is not None:
        _check_aes_key(key)
    elif settings.production:
        log.warning("WeChat in plaintext mode: message bodies are not signed; use safe mode")
    base_url = settings.wechat_api_base_url
    if not base_url.startswith(("https://", "http://")):
        raise SettingsError("WECHAT_API_BASE_URL must be an http(s) URL ending in /cgi-bin/")
    return WeChatConfig(
        token=token,
        app_id=app_id,
        app_secret=secret,
        encoding_aes_key=key,
        api_base_url=base_url.rstrip("/") + "/",
        timestamp_window=settings.wechat_timestamp_window_seconds,
    )
