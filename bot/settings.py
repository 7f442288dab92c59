"""Deployment settings from environment variables (and a .env file), checked at start-up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers import InterviewConfig
from storage import FieldCipher, InvalidKey, generate_key

__all__ = ["Settings", "SettingsError"]


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Settings(BaseSettings):
    """Everything a deployment configures; see README "Configuration"."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    homeward_env: Literal["development", "production"] = "development"
    homeward_data_dir: Path = Path(".homeward")
    database_url: str | None = None
    redis_url: str | None = None
    homeward_secret_key: str | None = Field(default=None, repr=False)
    emergency_number: str = "110"
    phone_region: str = "CN"
    homeward_timezone: str = "Asia/Shanghai"
    draft_ttl_days: int = Field(default=7, ge=1, le=365)
    retention_closed_days: int = Field(default=365, ge=1)
    retention_attachment_days: int = Field(default=90, ge=1)
    receipt_pin_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    max_answer_length: int = Field(default=1000, ge=50, le=10000)
    sweep_interval_seconds: int = Field(default=60, ge=5)
    log_level: str = "INFO"
    # Where `homeward serve` listens: every interface by default, as a Procfile host's router
    # needs; 127.0.0.1 keeps a local trial off the network.
    host: str = "0.0.0.0"
    port: int = 8000
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated; "*"
    # for any peer, taking only the address it added itself): bot/forwarded.py.
    forwarded_allow_ips: str = "127.0.0.1"
    max_media_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)

    # Telegram: the channel is on when TELEGRAM_BOT_TOKEN is set.
    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, repr=False)
    # Chats never seen lately start at most this often per web process (0: no limit); chats
    # in the middle of a report always go first (bot/telegram/ordering.py).
    telegram_new_chats_per_minute: float = Field(default=300, ge=0)
    coordinator_chat_id: int | None = None

    # WeChat Official Account: the channel is on when WECHAT_TOKEN is set.
    wechat_token: str | None = Field(default=None, repr=False)
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = Field(default=None, repr=False)
    wechat_encoding_aes_key: str | None = Field(default=None, repr=False)
    wechat_api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_timestamp_window_seconds: int = Field(default=300, ge=10)

    # Case alerts (README "Alerts"): the public address of `homeward serve` (links to
    # /alerts/{id}), the bot's @name for its deep link, the link the WeChat account's QR code
    # holds (http://weixin.qq.com/r/…), the approved template for followers past 48 hours, and
    # the fan-out's even pace when no tipster is being answered (replies to tipsters come
    # first, and the fan-out takes only what they leave of Telegram's 30 in any second).
    homeward_public_url: str | None = None
    telegram_bot_username: str | None = None
    wechat_follow_url: str | None = None
    wechat_alert_template_id: str | None = None
    alert_messages_per_second: float = Field(default=29.0, gt=0, le=30)

    # Coordinators are told of a registry match scoring at least this (0-1); lower ones are
    # still listed on the tip.
    match_notify_score: float = Field(default=0.5, ge=0, le=1)
    imminent_escalate_minutes: int = Field(default=15, ge=1)

    # The coordinators' dashboard at /dashboard.
    dashboard_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    dashboard_session_hours: int = Field(default=12, ge=1, le=7 * 24)
    dashboard_refresh_seconds: int = Field(default=30, ge=1, le=3600)

    @field_validator("phone_region")
    @classmethod
    def _region_upper(cls, value: str) -> str:
        return value.upper()

    @property
    def production(self) -> bool:
        """True for a production deployment (strict about secrets)."""
        return self.homeward_env == "production"

    def database(self) -> str:
        """The database URL; the embedded default is a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        if self.production:
            raise SettingsError("DATABASE_URL is required when HOMEWARD_ENV=production")
        self.homeward_data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.homeward_data_dir / 'homeward.db').resolve()}"

    def cipher(self) -> FieldCipher:
        """The field cipher; in development a key is generated once and kept locally."""
        key = self.homeward_secret_key
        if not key:
            if self.production:
                raise SettingsError(
                    "HOMEWARD_SECRET_KEY is required when HOMEWARD_ENV=production "
                    "(create one with `homeward keygen` and keep it safe)"
                )
            key = self._local_key()
        try:
            return FieldCipher(key)
        except InvalidKey as exc:
            raise SettingsError(f"HOMEWARD_SECRET_KEY is malformed: {exc}") from exc

    def _local_key(self) -> str:
        path = self.homeward_data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate_key())
            path.chmod(0o600)
        return path.read_text().strip()

    def dashboard_secret(self, cipher: FieldCipher | None = None) -> str:
        """The key signing dashboard sessions, derived from HOMEWARD_SECRET_KEY (never stored)."""
        return (cipher or self.cipher()).blind_index("homeward dashboard sessions v1")

    def interview(self) -> InterviewConfig:
        """The interview's part of the settings."""
        return InterviewConfig(
            emergency_number=self.emergency_number,
            phone_region=self.phone_region,
            timezone=self.homeward_timezone,
            max_answer_length=self.max_answer_length,
            draft_ttl=timedelta(days=self.draft_ttl_days),
        )
