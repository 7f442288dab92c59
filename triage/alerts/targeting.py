"""Who an alert asks: subscribers within the radius that widens with time since the loss, and
those subscribed to the provinces the case points to; nearest first.

The radius follows China's police alert platform (团圆): 100 km in the first hour after the
child went missing, 200 km by the second, 300 km by the third, 500 km after that. A subscriber
who chose a point and a radius is asked when the place of the loss is within both their
radius and the alert's (they said how far they want to hear from; the time says how far the
child may be). One subscribed to provinces or cities is asked when the case points there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from handlers.dialects import dialect_from_text
from handlers.places import cities_in, parse_place
from storage import RegistryEntry
from storage.subscriptions import SubscriberPlace

__all__ = [
    "Reach",
    "Target",
    "case_reach",
    "distance_km",
    "missing_moment",
    "radius_for",
    "targets",
]

_EARTH_KM = 6371.0
_RADII = ((1.0, 100), (2.0, 200), (3.0, 300))  # (hours since the loss, km) steps
_WIDEST_KM = 500
DEFAULT_SUBSCRIBER_RADIUS_KM = 100


@dataclass(frozen=True)
class Reach:
    """Where an alert reaches: around a point, within a radius, and whole provinces."""

    latitude: float | None
    longitude: float | None
    radius_km: int
    provinces: tuple[str, ...]
    city: str | None = None


@dataclass(frozen=True)
class Target:
    """A subscription to ask, and how far its point is from the loss (None: by province)."""

    subscription_id: int
    distance_km: float | None


def radius_for(missing_at: datetime | None, now: datetime) -> int:
    """The alert's radius in km: wider the longer the child has been missing."""
    if missing_at is None:
        return _WIDEST_KM
    hours = (now - missing_at).total_seconds() / 3600
    return next((km for limit, km in _RADII if hours < limit), _WIDEST_KM)


def missing_moment(entry: RegistryEntry, tz: tzinfo) -> datetime | None:
    """When the child went missing: the registry keeps the day, so its first minute (the
    widest radius the day allows)."""
    if entry.missing_date is None:
        return None
    return datetime.combine(entry.missing_date, time(0, 0), tzinfo=tz)


def case_reach(
    entry: RegistryEntry, *, radius_km: int, sighting_provinces: Iterable[str] = ()
) -> Reach:
    """The point of the loss (its city's centre) and the provinces the case points to: where
    it happened, home, the dialect's region, and where sightings of matched tips cluster."""
    place = parse_place(entry.missing_place) if entry.missing_place else None
    lat = lon = None
    if place is not None and place.province and place.city:
        city = next(c for c in cities_in(place.province) if c.name == place.city)
        lat, lon = city.lat, city.lon
    provinces: list[str] = []
    if place is not None and place.province:
        provinces.append(place.province)
    if entry.home_province:
        provinces.append(entry.home_province)
    if entry.dialect:
        provinces.extend(dialect_from_text(entry.dialect).provinces[:2])
    provinces.extend(sighting_provinces)
    return Reach(
        lat, lon, radius_km, tuple(dict.fromkeys(provinces)), place.city if place else None
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))


def _distance(reach: Reach, place: SubscriberPlace) -> float | None:
    if None in (reach.latitude, reach.longitude, place.latitude, place.longitude):
        return None
    return distance_km(
        reach.latitude or 0.0, reach.longitude or 0.0, place.latitude or 0.0, place.longitude or 0.0
    )


def _asked(reach: Reach, place: SubscriberPlace, distance: float | None) -> bool:
    if distance is not None:
        own = place.radius_km or DEFAULT_SUBSCRIBER_RADIUS_KM
        if distance <= min(own, reach.radius_km):
            return True
    if reach.city and reach.city in place.cities:
        return True
    return bool(set(place.provinces) & set(reach.provinces))


def targets(reach: Reach, places: Iterable[SubscriberPlace]) -> list[Target]:
    """The subscriptions to ask, nearest first, one per person (their nearest); those reached
    by province alone come last."""
    found: dict[str, Target] = {}
    for place in places:
        distance = _distance(reach, place)
        if not _asked(reach, place, distance):
            continue
        target = Target(place.id, None if distance is None else round(distance, 1))
        if place.person not in found or _order(target) < _order(found[place.person]):
            found[place.person] = target
    return sorted(found.values(), key=_order)


def _order(target: Target) -> tuple[bool, float, int]:
    return (target.distance_km is None, target.distance_km or 0.0, target.subscription_id)
