"""A small synchronous Bot API client for the worker's jobs (the web process uses PTB).

Its calls go over this process's kept connection (`bot.telegram.connection`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.telegram.config import TelegramConfig
from bot.telegram.connection import bot_api_client

__all__ = ["BotApi", "BotApiError"]

log = logging.getLogger(__name__)
_MAX_WAIT = 30.0  # longer flood waits go back to rq, which retries the job later
_SENDS = ("send", "edit", "copy", "forward")  # methods within the bot's 30 messages a second


class BotApiError(RuntimeError):
    """Telegram answered a call with an error."""

    def __init__(self, method: str, code: int, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.code = code
        self.description = description

    @property
    def refused(self) -> bool:
        """True when the chat will never take the message (blocked, deleted, not found)."""
        text = self.description.lower()
        return self.code == 403 or (self.code == 400 and "chat not found" in text)

    @property
    def not_modified(self) -> bool:
        """True when an edit changed nothing (the card already shows this)."""
        return self.code == 400 and "not modified" in self.description.lower()

    @property
    def message_gone(self) -> bool:
        """True when the message to edit was deleted."""
        return self.code == 400 and "message to edit not found" in self.description.lower()


class BotApi:
    """Calls Bot API methods with JSON; waits out short flood waits (429) a few times."""

    def __init__(
        self,
        config: TelegramConfig,
        *,
        timeout: float = 30.0,
        attempts: int = 3,
        on_send: Callable[[], None] | None = None,
    ):
        self._url = f"{config.api_base_url}{config.token}/"
        self._timeout = timeout
        self._attempts = attempts
        self._on_send = on_send  # told of every message sent or edited (the alerts' pace)

    def call(self, method: str, **params: Any) -> Any:
        """The call's result; BotApiError if Telegram refuses, httpx errors if unreachable."""
        return self.post(method, {key: value for key, value in params.items() if value is not None})

    def post(
        self, method: str, payload: dict[str, Any], files: dict[str, Any] | None = None
    ) -> Any:
        """One Bot API call with a JSON body (a multipart form with `files`); short flood waits
        (429) are waited out a few times, longer ones raised for rq to retry later."""
        on_send = self._on_send if method.startswith(_SENDS) else None
        for attempt in range(self._attempts):
            if on_send is not None:
                on_send()
            http = bot_api_client()
            if files is None:
                response = http.post(self._url + method, json=payload, timeout=self._timeout)
            else:
                response = http.post(
                    self._url + method, data=payload, files=files, timeout=self._timeout
                )
            body = response.json()
            if body.get("ok"):
                return body.get("result")
            code = int(body.get("error_code") or response.status_code)
            wait = float((body.get("parameters") or {}).get("retry_after") or 0)
            if code == 429 and wait <= _MAX_WAIT and attempt + 1 < self._attempts:
                log.warning("%s: Telegram asked us to wait %.0fs", method, wait)
                time.sleep(wait)
                continue
            raise BotApiError(method, code, str(body.get("description", "")))
        raise AssertionError("unreachable")  # the loop returns or raises
