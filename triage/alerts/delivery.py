"""What the fan-out hands a platform: one message for one subscriber, and how it can fail.

DeliveryRefused (triage.relay_jobs)  blocked, left, deleted: recorded "blocked", skipped
Unreachable                          the platform's rules forbid writing now (WeChat past
                                     48 hours and no template): recorded, not retried
any other exception                  network, Telegram down: the row is tried again

A sender that sends the photo as a message of its own before the text calls the message's
`photo_sent` between the two: the row records it, and when the text failed and the row is
tried again, the message comes back without its photo (the subscriber has it already).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import redis

from triage.relay_jobs import DeliveryRefused

__all__ = [
    "AlertDeliveryConfig",
    "AlertMessage",
    "AlertPhoto",
    "AlertSender",
    "DeliveryRefused",
    "Unreachable",
    "page_url",
]
SLICE_SECONDS = 20.0


class Unreachable(RuntimeError):
    """The platform does not let us write to this subscriber now (not an error of theirs)."""


class AlertPhoto(Protocol):
    """An alert's consented photo, as a sender uploads it once and reuses the platform's id."""

    def data(self) -> bytes:
        """The JPEG to upload (no metadata)."""

    def uploaded(self, platform: str, *, lifetime: timedelta | None = None) -> str | None:
        """The platform's id for it, if uploaded there (and, given a lifetime, not expired)."""

    def remember(self, platform: str, ref: str) -> None:
        """Keep the platform's id for every later message (durably)."""

    def forget(self, platform: str) -> None:
        """Drop the platform's id: it no longer takes it."""


def _nothing() -> None:
    """No row to record anything on (a message made outside the fan-out)."""


@dataclass(frozen=True)
class AlertMessage:
    """One message to one subscriber, already worded in their language."""

    user_id: str
    language: str
    text: str
    alert_id: int
    seen_button: str | None  # the "I've seen this child" label; None on a closing message
    page_url: str | None = None
    last_heard: datetime | None = None  # when they last wrote to us (WeChat's 48 hours)
    case_id: str = ""
    photo: AlertPhoto | None = None  # only when the family agreed and the alert is open
    # Call once the photo went on its own, before the text (recorded, committed, on the row).
    photo_sent: Callable[[], None] = _nothing


class AlertSender(Protocol):
    """Sends alert messages on one platform."""

    def send_alert(self, message: AlertMessage) -> None:
        """Deliver it; DeliveryRefused if blocked, Unreachable if the rules forbid it now."""


@dataclass
class AlertDeliveryConfig:
    """What the fan-out needs in the worker: a sender per platform and the wording's extras."""

    redis: redis.Redis
    senders: dict[str, AlertSender] = field(default_factory=dict)
    per_second: float = 29.0  # ALERT_MESSAGES_PER_SECOND: the pace when no reply is sent
    emergency: str = "110"
    page_base_url: str | None = None  # HOMEWARD_PUBLIC_URL: links to /alerts/{id}
    slice_seconds: float = SLICE_SECONDS


def page_url(base: str | None, alert_id: int) -> str | None:
    """The public page of an alert, if the deployment's public address is known."""
    return f"{base.rstrip('/')}/alerts/{alert_id}" if base else None
