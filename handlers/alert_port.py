"""What subscribing to alerts and answering one need from outside the interview.

The interview stays pure: the intake binds a port to one platform user inside its
transaction (`triage.alerts.port.StoredAlerts`), as it binds the follow-up port.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["AlertPort"]


class AlertPort(Protocol):
    """Subscriptions of one platform user, and the alerts they may answer."""

    subscribable: bool  # alerts can be sent on this channel (not at a hotline's terminal)

    def subscribe_places(self, text: str, language: str) -> tuple[str, bool] | None:
        """Subscribe to the provinces and cities named: (the area's words, new); None if the
        text names no place."""

    def subscribe_point(
        self, latitude: float, longitude: float, radius_km: int, language: str
    ) -> tuple[str, bool]:
        """Subscribe around a point: (the area's words, new)."""

    def listing(self, language: str) -> list[str]:
        """The user's own subscriptions, each as its area's words."""

    def unsubscribe(self) -> int:
        """Remove all of the user's subscriptions; how many there were."""

    def alert_case(self, alert_id: int) -> tuple[str, bool] | None:
        """(case id, still open) of an alert; None if there is no such alert."""
