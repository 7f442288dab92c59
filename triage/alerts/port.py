"""The interview's alert port on the database, for one platform user in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from storage import Channel, FieldCipher
from storage.alert_reads import alert_link
from storage.subscriptions import Area
from triage.alerts.subscribing import (
    area_around,
    area_from_text,
    area_words,
    my_subscriptions,
    subscribe,
    unsubscribe,
)

__all__ = ["SENDING_PLATFORMS", "StoredAlerts", "stored_alerts"]

SENDING_PLATFORMS = frozenset({Channel.TELEGRAM, Channel.WECHAT})  # alerts have senders there


class StoredAlerts:
    """Implements `handlers.alert_port.AlertPort`; the user id is their private chat's."""

    def __init__(self, *, session: Session, cipher: FieldCipher, platform: str, user_id: str):
        self.session = session
        self.cipher = cipher
        self.platform = platform
        self.user_id = user_id
        self.subscribable = platform in SENDING_PLATFORMS

    def subscribe_places(self, text: str, language: str) -> tuple[str, bool] | None:
        """Subscribe to the provinces and cities named; None if none is."""
        area = area_from_text(text)
        if area is None:
            return None
        return self._subscribe(area, language)

    def subscribe_point(
        self, latitude: float, longitude: float, radius_km: int, language: str
    ) -> tuple[str, bool]:
        """Subscribe within a radius of a shared location (kept as its ~1 km cell)."""
        return self._subscribe(area_around(latitude, longitude, radius_km), language)

    def _subscribe(self, area: Area, language: str) -> tuple[str, bool]:
        subscription, new = subscribe(
            session=self.session,
            cipher=self.cipher,
            platform=self.platform,
            user_id=self.user_id,
            language=language,
            area=area,
        )
        return area_words(subscription, language), new

    def listing(self, language: str) -> list[str]:
        """The user's own subscriptions as words."""
        found = my_subscriptions(
            session=self.session, cipher=self.cipher, platform=self.platform, user_id=self.user_id
        )
        return [area_words(s, language) for s in found]

    def unsubscribe(self) -> int:
        """Remove all of the user's subscriptions."""
        return unsubscribe(
            session=self.session, cipher=self.cipher, platform=self.platform, user_id=self.user_id
        )

    def alert_case(self, alert_id: int) -> tuple[str, bool] | None:
        """The alert's case and whether it is still open."""
        link = alert_link(session=self.session, alert_id=alert_id)
        return None if link is None else (link[1], link[2])


def stored_alerts(cipher: FieldCipher) -> Callable[[Session, str, str], StoredAlerts]:
    """The intake's factory: a port per (session, platform, user id)."""

    def bind(session: Session, platform: str, user_id: str) -> StoredAlerts:
        return StoredAlerts(session=session, cipher=cipher, platform=platform, user_id=user_id)

    return bind
