"""Subscribing to alerts: a platform user adds, lists and removes their own subscriptions.

The user is known by the blind index of "platform:user id" (the same key their conversation
has, so `/delete` finds their subscriptions too); the id itself is stored encrypted, only for
sending. Nobody can see or remove another's subscription.
"""

from __future__ import annotations

from sqlmodel import Session

from handlers import catalogue
from handlers.places import (
    cities_in,
    find_places,
    parse_place,
    place_from_coordinates,
    province_name,
)
from storage import FieldCipher, Subscription
from storage.subscriptions import (
    Area,
    add_subscription,
    delete_subscription,
    delete_subscriptions_of,
    subscriptions_of,
)
from triage.alerts.targeting import DEFAULT_SUBSCRIBER_RADIUS_KM

__all__ = [
    "area_around",
    "area_from_text",
    "area_words",
    "my_subscriptions",
    "subscribe",
    "unsubscribe",
    "user_key",
]

MAX_RADIUS_KM = 500


def user_key(cipher: FieldCipher, platform: str, user_id: str) -> str:
    """The blind index a platform user is known by (their conversation's key too)."""
    return cipher.blind_index(f"{platform}:{user_id}")


def area_from_text(text: str) -> Area | None:
    """Provinces and cities named in free text ("广东 深圳", "Guangdong, Fujian"); None if none."""
    provinces: list[str] = []
    cities: list[str] = []
    for match in find_places(text):
        guess = match.guesses[0]
        if match.names_province and guess.province:
            provinces.append(guess.province)
        elif guess.city:
            cities.append(guess.city)
    if not provinces and not cities:
        return None
    return Area(provinces=tuple(dict.fromkeys(provinces)), cities=tuple(dict.fromkeys(cities)))


def area_around(latitude: float, longitude: float, radius_km: int | None) -> Area:
    """A shared location and a radius (kept within 1–500 km)."""
    radius = min(max(radius_km or DEFAULT_SUBSCRIBER_RADIUS_KM, 1), MAX_RADIUS_KM)
    return Area(latitude, longitude, radius)


def subscribe(
    *, session: Session, cipher: FieldCipher, platform: str, user_id: str, language: str, area: Area
) -> tuple[Subscription, bool]:
    """Subscribe a user to an area; False if they already had this very area."""
    return add_subscription(
        session=session,
        platform=platform,
        user_key=user_key(cipher, platform, user_id),
        user_ref=cipher.encrypt(user_id),
        language=language,
        area=area,
    )


def my_subscriptions(
    *, session: Session, cipher: FieldCipher, platform: str, user_id: str
) -> list[Subscription]:
    """The user's own subscriptions."""
    key = user_key(cipher, platform, user_id)
    return subscriptions_of(session=session, platform=platform, user_key=key)


def unsubscribe(
    *,
    session: Session,
    cipher: FieldCipher,
    platform: str,
    user_id: str,
    subscription_id: int | None = None,
) -> int:
    """Remove one of the user's subscriptions, or all of them; returns how many went."""
    key = user_key(cipher, platform, user_id)
    if subscription_id is None:
        return delete_subscriptions_of(session=session, platform=platform, user_key=key)
    found = delete_subscription(
        session=session, platform=platform, user_key=key, subscription_id=subscription_id
    )
    return int(found)


def area_words(subscription: Subscription, language: str) -> str:
    """A subscription's area as its subscriber reads it."""
    texts = catalogue()
    if subscription.latitude is not None and subscription.longitude is not None:
        near = place_from_coordinates(subscription.latitude, subscription.longitude)
        place = _city_words(near.city, language) if near.city else ""
        return texts.text(
            language, "subscribe.area.point", radius=subscription.radius_km or 0, place=place
        )
    names = [province_name(p, language) for p in subscription.provinces]
    names += [_city_words(c, language) for c in subscription.cities]
    separator = "、" if language.startswith("zh") else ", "
    return texts.text(language, "subscribe.area.places", places=separator.join(names))


def _city_words(city: str, language: str) -> str:
    """A city's full Chinese name, or its English one."""
    province = parse_place(city).province
    if language.startswith("zh") or province is None:
        return city
    return next((c.en for c in cities_in(province) if c.name == city), city)
