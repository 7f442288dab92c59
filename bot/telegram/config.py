"""The Telegram channel's settings, checked once at start-up with clear messages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from bot.settings import Settings, SettingsError

__all__ = ["TelegramConfig", "TelegramOptions", "check_bot_api", "telegram_config"]

_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")  # "<bot id>:<35 characters>" from @BotFather
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token


@dataclass(frozen=True)
class TelegramConfig:
    """One bot: its token, where the Bot API is, and the webhook (None means long polling)."""

    token: str = field(repr=False)
    api_base_url: str
    file_base_url: str
    webhook_base_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)

    @property
    def polling(self) -> bool:
        """True when updates are fetched with getUpdates instead of a webhook."""
        return self.webhook_base_url is None

    @property
    def webhook_path(self) -> str:
        """Our route: unguessable, derived from the secret so the secret itself never shows."""
        digest = hashlib.sha256(f"homeward-telegram:{self.webhook_secret}".encode()).hexdigest()
        return f"/telegram/{digest[:32]}"

    @property
    def webhook_url(self) -> str:
        """The public address registered with setWebhook."""
        return f"{(self.webhook_base_url or '').rstrip('/')}{self.webhook_path}"


@dataclass(frozen=True)
class TelegramOptions:
    """Tuning knobs; the defaults follow Telegram's published limits."""

    overall_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    chat_burst: int = 3  # a question, a notice and a retry go out without waiting
    group_per_minute: float = 20.0
    retry_after_attempts: int = 5  # per request, when Telegram answers 429 RetryAfter
    retry_delays: tuple[float, ...] = (1, 2, 5, 10, 30, 60, 120, 300)  # then left for restart
    poll_timeout: int = 30
    max_parallel_chats: int = 16
    new_chats_per_minute: float | None = None  # None: TELEGRAM_NEW_CHATS_PER_MINUTE
    stop_grace_seconds: float = 10.0
    coordinator_language: str = "zh_CN"  # cards and notices in the coordinators' group


def _http_url(name: str, value: str) -> str:
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {value!r}")
    return value


def telegram_config(settings: Settings) -> TelegramConfig:
    """The Telegram settings, or SettingsError saying what is wrong and how to fix it."""
    token = settings.telegram_bot_token or ""
    if not _TOKEN.fullmatch(token):
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is malformed: it should look like 123456789:AAE…, "
            "exactly as @BotFather gave it (no spaces or quotes)"
        )
    api = _http_url("TELEGRAM_API_BASE_URL", settings.telegram_api_base_url)
    files = settings.telegram_file_base_url
    if files is None:
        if not api.endswith("/bot"):
            raise SettingsError(
                "TELEGRAM_API_BASE_URL should end with /bot (e.g. https://api.telegram.org/bot); "
                "otherwise also set TELEGRAM_FILE_BASE_URL"
            )
        files = api.removesuffix("/bot") + "/file/bot"
    webhook, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
    if webhook:
        if urlsplit(webhook).scheme != "https" or not urlsplit(webhook).netloc:
            raise SettingsError(
                "TELEGRAM_WEBHOOK_URL must be the public https:// address of `homeward serve` "
                "(Telegram only calls https webhooks); unset it to use long polling"
            )
        if not secret:
            raise SettingsError(
                "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET too, so that only Telegram "
                "can post updates (1-256 letters, digits, _ or -)"
            )
    if secret is not None and not _SECRET.fullmatch(secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET may only hold 1-256 letters, digits, _ or - "
            "(Telegram's rule for secret tokens)"
        )
    return TelegramConfig(token, api, _http_url("TELEGRAM_FILE_BASE_URL", files), webhook, secret)


def check_bot_api(config: TelegramConfig, *, timeout: float = 10.0) -> None:
    """Ask the Bot API who we are; SettingsError if it can't be reached or refuses the token."""
    where = urlsplit(config.api_base_url).netloc
    try:
        response = httpx.get(f"{config.api_base_url}{config.token}/getMe", timeout=timeout)
    except httpx.HTTPError as exc:
        raise SettingsError(
            f"the Telegram Bot API at {where} could not be reached ({type(exc).__name__}); "
            "check the network and TELEGRAM_API_BASE_URL"
        ) from None
    if response.status_code in (401, 404):
        raise SettingsError(
            f"the Telegram Bot API at {where} refused TELEGRAM_BOT_TOKEN "
            f"(HTTP {response.status_code}); copy the token again from @BotFather"
        )
    try:
        ok = response.json().get("ok") is True
    except ValueError:
        ok = False
    if not ok:
        raise SettingsError(
            f"the Telegram Bot API at {where} answered getMe with HTTP {response.status_code}; "
            "check TELEGRAM_API_BASE_URL"
        )
