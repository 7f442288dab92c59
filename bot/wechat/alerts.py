"""Case alerts on WeChat, within its rules.

A customer-service message reaches a follower only within 48 hours of their last message to
the account. Past that, a template message (the account's approved template,
WECHAT_ALERT_TEMPLATE_ID) is the only way; without one the follower is recorded unreachable.
A follower answers an alert by replying "见过 <id>" / "seen <id>".

With the family's consent to a photo, a customer-service alert is an image message, then the
text; the row records the image once it went (`message.photo_sent()`, committed), so if the
text fails the row is tried again with the text alone. The image is uploaded once as
temporary media and its media_id reused for every later follower (kept in the database);
WeChat keeps temporary media three days, so past MEDIA_LIFETIME, or when WeChat says the id is
invalid (40007), it is uploaded again. A template message has no place for an image:
followers past 48 hours get the text alone, whose link opens the public page with the photo.
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
from triage.alerts.delivery import AlertPhoto
from triage.relay_jobs import DeliveryRefused

__all__ = ["CUSTOMER_WINDOW", "MEDIA_LIFETIME", "WeChatAlertSender"]

CUSTOMER_WINDOW = timedelta(hours=48)
MEDIA_LIFETIME = timedelta(days=3) - timedelta(hours=1)  # temporary media last 3 days
_OUTSIDE_WINDOW = 45015
_INVALID_MEDIA = 40007
_PLATFORM = "wechat"
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
                if message.photo is not None:
                    self._send_image(client, message.user_id, message.photo)
                    message.photo_sent()
                with_token_refresh(
                    client, partial(client.message.send_text, message.user_id, message.text)
                )
                return
            except WeChatClientException as exc:
                if exc.errcode != _OUTSIDE_WINDOW:
                    raise _refusal(exc) from exc
        self._send_template(client, message)

    def _send_image(self, client: HomewardWeChatClient, user_id: str, photo: AlertPhoto) -> None:
        """The photo as an image message, by the media_id uploaded before, else uploaded now."""
        media_id = photo.uploaded(_PLATFORM, lifetime=MEDIA_LIFETIME)
        if media_id is not None:
            try:
                with_token_refresh(client, partial(client.message.send_image, user_id, media_id))
                return
            except WeChatClientException as exc:
                if exc.errcode != _INVALID_MEDIA:
                    raise
                photo.forget(_PLATFORM)  # WeChat dropped it before its three days were up
        upload = partial(
            client.media.upload, "image", ("alert-photo.jpg", photo.data(), "image/jpeg")
        )
        media_id = str(with_token_refresh(client, upload)["media_id"])
        photo.remember(_PLATFORM, media_id)
        with_token_refresh(client, partial(client.message.send_image, user_id, media_id))

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
