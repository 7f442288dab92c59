"""Telegram files for the worker's attachment job: getFile, then the download, size-capped."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from bot.settings import Settings
from bot.telegram.config import TelegramConfig, telegram_config
from triage.media import MediaTooLarge

__all__ = ["MediaUnavailable", "TelegramFetcher", "telegram_fetcher"]

_CHUNK = 64 * 1024


class MediaUnavailable(RuntimeError):
    """Telegram would not hand the file out (unknown file id, or expired)."""


class TelegramFetcher:
    """`triage.media.MediaFetcher` for channel "telegram": by file_id, never past the cap."""

    def __init__(self, config: TelegramConfig, *, timeout: float = 60.0) -> None:
        self._config = config
        self._timeout = timeout

    def fetch(self, channel_ref: str, *, max_bytes: int) -> bytes:
        """The file's bytes; MediaTooLarge past `max_bytes` (checked before and while reading)."""
        config = self._config
        with httpx.Client(timeout=self._timeout) as client:
            answer = client.post(
                f"{config.api_base_url}{config.token}/getFile", json={"file_id": channel_ref}
            ).json()
            if not answer.get("ok"):
                description = str(answer.get("description", ""))
                if "too big" in description:  # Bot API downloads stop at 20 MB
                    raise MediaTooLarge(description)
                raise MediaUnavailable(f"getFile refused: {description}")
            info = answer["result"]
            if int(info.get("file_size") or 0) > max_bytes:
                raise MediaTooLarge(f"{info['file_size']} bytes declared")
            if not info.get("file_path"):
                raise MediaUnavailable("getFile gave no file_path")
            url = f"{config.file_base_url}{config.token}/{quote(info['file_path'])}"
            with client.stream("GET", url) as response:
                response.raise_for_status()
                data = bytearray()
                for chunk in response.iter_bytes(_CHUNK):
                    data += chunk
                    if len(data) > max_bytes:
                        raise MediaTooLarge(f"over {max_bytes} bytes")
        return bytes(data)


def telegram_fetcher(settings: Settings) -> TelegramFetcher:
    """The fetcher for a deployment's bot (SettingsError if its settings are malformed)."""
    return TelegramFetcher(telegram_config(settings))
