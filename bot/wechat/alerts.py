"""Case alerts on WeChat, within its rules.

A customer-service message reaches a follower only within 48 hours of their last message to
the account. Past that, a template message (the account's approved template,
WECHAT_ALERT_TEMPLATE_ID) is the only way; without one the follower is recorded unreachable.
A follower answers an alert by replying "见过 <id>" / "seen <id>".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from wechatpy.exceptions import WeChatClientException

from bot.wechat.client import REFUSALS, HomewardWeChatClient, with_token_refresh
from storage import utcnow
from triage.alerts import AlertMessage, Unreachable
from triage.relay_jobs import DeliveryRefused

__all__ = ["CUSTOMER_WINDOW", "WeChatAlertSender"]

CUSTOMER_WINDOW = timedelta(hours=48)
_OUTSIDE_WINDOW = 45015
_GONE = {40003, 43004}  # not a follower (any more): blocked, skip for good


class WeChatAlertSender:
    """`triage.alerts.AlertSender` for WeChat followers."""

    def __init__(
        self,
        client: Callable[[], HomewardWeChatClient],
        *,
        template_id: str | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._client = client
        self._template_id = template_id
        self._now = now

    def send_alert(self, message: AlertMessage) -> None:
        """A customer-service message within 48 hours, else the template, else Unreachable."""
        client = self._client()
        heard = message.last_heard
        if heard is not None and self._now() - heard < CUSTOMER_WINDOW:
            try:
                with_token_refresh(
                    client, partial(client.message.send_text, message.user_id, message.text)
                )
                return
            except WeChatClientException as exc:
                if exc.errcode != _OUTSIDE_WINDOW:
                    raise _refusal(exc) from exc
        self._send_template(client, message)

    def _send_template(self, client: HomewardWeChatClient, message: AlertMessage) -> None:
        if not self._template_id:
            raise Unreachable("wechat: past 48 hours and no WECHAT_ALERT_TEMPLATE_ID")
        first, *lines = message.text.split("\n")
        data: dict[str, Any] = {
            "first": {"value": first},
            "keyword1": {"value": message.case_id},
            "keyword2": {"value": "\n".join(line for line in lines if line)[:200]},
            "remark": {"value": ""},
        }
        send = partial(
            client.message.send_template,
            message.user_id,
            self._template_id,
            data,
            url=message.page_url,
        )
        try:
            with_token_refresh(client, send)
        except WeChatClientException as exc:
            raise _refusal(exc) from exc


def _refusal(exc: WeChatClientException) -> Exception:
    """What a WeChat error means for the row: blocked, unreachable, or (other) tried again."""
    code = exc.errcode or 0
    if code in _GONE:
        return DeliveryRefused(f"wechat {code}: {REFUSALS[code]}")
    if code in REFUSALS:
        return Unreachable(f"wechat {code}: {REFUSALS[code]}")
    other: Exception = exc  # network, quota, server: the row is tried again
    return other
