"""Who an alert asks: the neighbours within the radius that widens with time since the loss,
those subscribed to the provinces the case points to, nearest first, each person once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from storage import Subscription, session_scope
from storage.retention import forget_tipster
from tests.triage.alerts_world import (
    BEIJING,
    CHENGDU,
    DONGGUAN,
    GUANGZHOU,
    SHENZHEN,
    AlertsWorld,
    MemoryAlertSender,
)
from triage.alerts import AlertRefused, area_words, my_subscriptions
from triage.alerts.subscribing import user_key
from triage.alerts.targeting import radius_for

LOST_AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(
        engine, cipher, redis_client, database_url, senders={"telegram": MemoryAlertSender()}
    )


@pytest.mark.parametrize(
    ("after", "km"),
    [
        (timedelta(minutes=10), 100),
        (timedelta(minutes=59), 100),
        (timedelta(hours=1, minutes=30), 200),
        (timedelta(hours=2, minutes=30), 300),
        (timedelta(hours=3, minutes=1), 500),
        (timedelta(days=400), 500),
    ],
)
def test_the_radius_widens_with_the_time_since_the_child_went_missing(after, km) -> None:
    assert radius_for(LOST_AT, LOST_AT + after) == km


def reached(world: AlertsWorld, alert_id: int) -> list[str]:
    """Who the alert reached, in the order it reached them."""
    sender = world.senders["telegram"]
    assert isinstance(sender, MemoryAlertSender)
    return [m.user_id for m in sender.sent if m.alert_id == alert_id]


def test_neighbours_in_the_radius_and_the_provinces_are_asked_nearest_first(world) -> None:
    world.neighbour_near("1001", SHENZHEN, radius_km=150)  # ~105 km: inside 500 and 150
    world.neighbour_near("1002", DONGGUAN, radius_km=150)  # ~50 km
    world.neighbour_near("1003", BEIJING, radius_km=500)  # ~1,900 km: far outside
    world.neighbour_near("1004", CHENGDU, radius_km=50)  # far, and not by province
    world.neighbour_of("1005", "四川")  # the case's dialect and home point elsewhere
    world.neighbour_of("1006", "广东")  # the province of the loss and home
    world.neighbour_near("1007", SHENZHEN, radius_km=50)  # its own radius is too small
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.worker_runs()

    assert reached(world, alert_id) == ["1002", "1001", "1006"]


def test_in_the_first_hour_only_neighbours_within_100_km_are_asked(world) -> None:
    world.neighbour_near("2001", DONGGUAN, radius_km=300)  # ~50 km
    world.neighbour_near("2002", SHENZHEN, radius_km=300)  # ~105 km
    world.lead()
    today = date(2026, 12, 7)
    case = world.family_case(home=None, dialect=None, missing=today, place="广州")
    # The registry keeps the day: its first minute in Shanghai is 16:00 UTC the day before.
    alert_id = world.publishes(case, now=datetime(2026, 12, 6, 16, 30, tzinfo=UTC))
    world.worker_runs()
    assert reached(world, alert_id) == ["2001"]


def test_a_person_with_two_matching_subscriptions_gets_the_alert_once(world) -> None:
    world.neighbour_near("3001", GUANGZHOU, radius_km=20)
    world.neighbour_of("3001", "广东 深圳")
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.worker_runs()
    assert reached(world, alert_id) == ["3001"]


def test_an_unsubscribed_neighbour_is_not_asked_and_delete_forgets_subscriptions(
    world, engine, cipher
) -> None:
    world.neighbour_of("4001", "广东")
    world.neighbour_of("4002", "广东")
    world.neighbour_of("4003", "广州")
    world.unsubscribes("4001")
    with session_scope(engine) as session:  # "/delete": the tipster-forgetting path
        forget_tipster(
            session=session, channel="telegram", user_key=user_key(cipher, "telegram", "4002")
        )
    world.lead()
    alert_id = world.publishes(world.family_case())
    world.worker_runs()
    assert reached(world, alert_id) == ["4003"]


def test_a_subscriber_sees_only_their_own_and_the_point_is_kept_to_a_1_km_cell(
    world, engine, cipher
) -> None:
    world.neighbour_near("5001", (23.12912, 113.26441))
    world.neighbour_of("5002", "福建")
    with Session(engine) as session:
        (mine,) = my_subscriptions(
            session=session, cipher=cipher, platform="telegram", user_id="5001"
        )
        stored = session.exec(select(Subscription)).all()
    assert (mine.latitude, mine.longitude) == (23.13, 113.26)
    assert all("5001" not in s.user_ref and "5002" not in s.user_ref for s in stored)


def test_only_a_lead_publishes_and_a_case_has_one_open_alert(world, engine) -> None:
    from storage import Role
    from storage.coordinators import add_coordinator

    with session_scope(engine) as session:
        add_coordinator(session=session, name="wen", role=Role.COORDINATOR)
    case = world.family_case()
    with pytest.raises(AlertRefused, match="not a lead"):
        world.publishes(case, by="wen")
    world.lead()
    world.publishes(case)
    with pytest.raises(AlertRefused, match="already has an open alert"):
        world.publishes(case)


def test_a_subscriber_reads_their_area_in_their_own_words(world, engine, cipher) -> None:
    world.neighbour_near("6001", GUANGZHOU, radius_km=50)
    world.neighbour_of("6001", "广东、福建 厦门")
    with Session(engine) as session:
        point, places = my_subscriptions(
            session=session, cipher=cipher, platform="telegram", user_id="6001"
        )
    assert area_words(point, "zh_CN") == "广州市周围 50 公里内"
    assert area_words(point, "en") == "within 50 km of Guangzhou"
    assert area_words(places, "zh_CN") == "广东、福建、厦门市"
    assert area_words(places, "en") == "in Guangdong, Fujian, Xiamen"
