"""Coordinators' questions to a WeChat tipster, through the customer-service message API."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from wechatpy.exceptions import WeChatClientException

from bot.wechat.client import REFUSALS, HomewardWeChatClient, with_token_refresh
from handlers import catalogue
from triage.relay_jobs import DeliveryRefused

__all__ = ["WeChatRelaySender"]


class WeChatRelaySender:
    """Implements `triage.relay_jobs.RelaySender` for WeChat followers."""

    def __init__(self, client: Callable[[], HomewardWeChatClient]) -> None:
        self._client = client

    def client(self) -> HomewardWeChatClient:
        """An API client (the worker's WeChat jobs send through it too)."""
        return self._client()

    def send_question(self, user_id: str, *, language: str, ref: str, question: str) -> None:
        """Send the question in the tipster's language, never saying who asked."""
        text = catalogue().text(language, "relay.question", ref=ref, question=question)
        client = self._client()
        try:
            with_token_refresh(client, partial(client.message.send_text, user_id, text))
        except WeChatClientException as exc:
            reason = REFUSALS.get(exc.errcode or 0)
            if reason is None:
                raise  # network, quota, server errors: the job is retried
            raise DeliveryRefused(f"wechat {exc.errcode}: {reason}") from exc
