"""Data access for alert subscriptions: add (once per area), list one user's, delete."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from storage.alert_models import Subscription

__all__ = [
    "Area",
    "SubscriberPlace",
    "add_subscription",
    "delete_subscription",
    "delete_subscriptions_of",
    "subscriber_places",
    "subscriptions_by_id",
    "subscriptions_of",
]

CELL_DECIMALS = 2  # 0.01° ≈ 1.1 km: where a subscriber lives is never stored closer than that


@dataclass(frozen=True)
class Area:
    """Where a subscriber wants to hear from: a point and a radius, or provinces and cities."""

    latitude: float | None = None
    longitude: float | None = None
    radius_km: int | None = None
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    def coarsened(self) -> Area:
        """The same area with the point rounded to its ~1 km cell."""
        if self.latitude is None or self.longitude is None:
            return self
        lat, lon = round(self.latitude, CELL_DECIMALS), round(self.longitude, CELL_DECIMALS)
        return Area(lat, lon, self.radius_km, self.provinces, self.cities)

    def key(self) -> str:
        """The area in one string: one subscription per user and area."""
        point = "" if self.latitude is None else f"{self.latitude:.2f},{self.longitude:.2f}"
        return f"{point}/{self.radius_km or ''}/{','.join(self.provinces)}/{','.join(self.cities)}"


@dataclass(frozen=True)
class SubscriberPlace:
    """What targeting needs of a subscription, and nothing that identifies the person."""

    id: int
    person: str  # platform and blind index: one person's subscriptions share it
    latitude: float | None
    longitude: float | None
    radius_km: int | None
    provinces: tuple[str, ...]
    cities: tuple[str, ...]


def add_subscription(
    *, session: Session, platform: str, user_key: str, user_ref: str, language: str, area: Area
) -> tuple[Subscription, bool]:
    """Subscribe a user to an area; the same area twice is the first subscription (False)."""
    area = area.coarsened()
    existing = session.exec(
        select(Subscription).where(
            Subscription.platform == platform,
            Subscription.user_key == user_key,
            Subscription.area_key == area.key(),
        )
    ).first()
    if existing is not None:
        return existing, False
    subscription = Subscription(
        platform=platform,
        user_key=user_key,
        user_ref=user_ref,
        language=language,
        latitude=area.latitude,
        longitude=area.longitude,
        radius_km=area.radius_km,
        provinces=list(area.provinces),
        cities=list(area.cities),
        area_key=area.key(),
    )
    session.add(subscription)
    session.flush()
    return subscription, True


def subscriptions_of(*, session: Session, platform: str, user_key: str) -> list[Subscription]:
    """One user's subscriptions, oldest first (never anyone else's)."""
    statement = select(Subscription).where(
        Subscription.platform == platform, Subscription.user_key == user_key
    )
    return list(session.exec(statement.order_by(col(Subscription.id))))


def delete_subscription(
    *, session: Session, platform: str, user_key: str, subscription_id: int
) -> bool:
    """Delete one of this user's subscriptions; False if it is not theirs or not there."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or (subscription.platform, subscription.user_key) != (
        platform,
        user_key,
    ):
        return False
    session.delete(subscription)
    return True


def delete_subscriptions_of(*, session: Session, platform: str, user_key: str) -> int:
    """Delete every subscription of a user (and their pending messages); returns how many."""
    found = subscriptions_of(session=session, platform=platform, user_key=user_key)
    if found:
        ids = [s.id for s in found]
        session.exec(delete(Subscription).where(col(Subscription.id).in_(ids)))
    return len(found)


def subscriber_places(*, session: Session) -> Iterator[SubscriberPlace]:
    """Every subscription's area, for targeting (read in batches, ids only, no identity)."""
    statement = sa_select(
        col(Subscription.id),
        col(Subscription.platform),
        col(Subscription.user_key),
        col(Subscription.latitude),
        col(Subscription.longitude),
        col(Subscription.radius_km),
        col(Subscription.provinces),
        col(Subscription.cities),
    ).execution_options(yield_per=5000)
    for row in session.execute(statement):
        yield SubscriberPlace(
            row[0] or 0, f"{row[1]}:{row[2]}", row[3], row[4], row[5], tuple(row[6]), tuple(row[7])
        )


def subscriptions_by_id(*, session: Session, ids: list[int]) -> dict[int, Subscription]:
    """Subscriptions by id (those deleted meanwhile are missing), detached for use after."""
    found = list(session.exec(select(Subscription).where(col(Subscription.id).in_(ids))))
    for subscription in found:
        session.expunge(subscription)
    return {s.id or 0: s for s in found}
