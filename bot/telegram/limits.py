"""Outbound flood control: Telegram's limits per bot and per chat, and RetryAfter waited out."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

__all__ = ["ChatRateLimiter"]

log = logging.getLogger(__name__)
_MAX_TRACKED_CHATS = 1024
_NEW_MESSAGE = re.compile(r"(?i)(send|copy|forward)")  # what puts a new message in a chat
Result = bool | dict[str, Any] | list[dict[str, Any]]


def _seconds(error: RetryAfter) -> float:
    # The public attribute warns about its int/timedelta switch; the private one is stable.
    wait = getattr(error, "_retry_after", None)
    return wait.total_seconds() if isinstance(wait, dtm.timedelta) else 1.0


class ChatRateLimiter(BaseRateLimiter[int]):
    """~30 requests/s per bot, ~1 new message/s per private chat (small burst), 20/min per group."""

    # A RetryAfter pauses every request for the time Telegram asks, then the request is sent
    # again, up to `max_retries` times; after that the error reaches the channel, which keeps
    # the update and tries it again later, so no reply is dropped silently.

    def __init__(
        self,
        *,
        overall_per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        chat_burst: int = 3,
        group_per_minute: float = 20.0,
        max_retries: int = 5,
        on_send: Callable[[], None] | None = None,
    ) -> None:
        # A bucket of one request: aiolimiter's bucket holds `max_rate`, so AsyncLimiter(30, 1)
        # lets 30 go at once and 30 more within the same second (60 in a second was seen).
        self._overall = AsyncLimiter(1, 1 / overall_per_second)
        self._chat_rate = (float(chat_burst), chat_burst / per_chat_per_second)
        self._group_rate = (group_per_minute, 60.0)
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._resume_at = 0.0
        # Called as a request within the bot's limit goes out (the alerts' shared pace).
        self._on_send = on_send

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        """The limiter of one chat (groups and channels get the stricter group rate)."""
        if len(self._chats) > _MAX_TRACKED_CHATS:
            for key, limiter in list(self._chats.items()):
                if limiter.has_capacity(limiter.max_rate):  # idle: forget it
                    del self._chats[key]
        if chat_id not in self._chats:
            is_group = isinstance(chat_id, str) or chat_id < 0
            rate, period = self._group_rate if is_group else self._chat_rate
            self._chats[chat_id] = AsyncLimiter(rate, period)
        return self._chats[chat_id]

    async def _pause_if_asked(self) -> None:
        loop = asyncio.get_running_loop()
        while (wait := self._resume_at - loop.time()) > 0:
            await asyncio.sleep(wait)

    def _sending(self) -> None:
        if self._on_send is not None:
            self._on_send()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send one Bot API request within the limits, retrying after RetryAfter."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(max_retries + 1):
            try:
                await self._pause_if_asked()
                if not isinstance(chat_id, int | str):  # getFile, answerCallbackQuery, …
                    return await callback(*args, **kwargs)
                if not _NEW_MESSAGE.match(endpoint):  # edits count for the bot, not the chat
                    async with self._overall:
                        self._sending()
                        return await callback(*args, **kwargs)
                async with self.chat_limiter(chat_id), self._overall:
                    await self._pause_if_asked()
                    self._sending()
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == max_retries:
                    raise
                wait = _seconds(error) + 0.1
                loop = asyncio.get_running_loop()
                self._resume_at = max(self._resume_at, loop.time() + wait)
                log.warning("%s: Telegram asked us to wait %.1fs; will retry", endpoint, wait)
        raise AssertionError("unreachable")  # the loop either returns or raises
