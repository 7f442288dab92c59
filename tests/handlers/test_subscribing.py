"""Subscribing to alerts from the chat, and answering one: rows in the interview's tables,
through the real intake on the test database."""

from __future__ import annotations

from sqlmodel import Session, select

from handlers import InboundKind, read_command
from storage import Report, Subscription
from tests.stories import Tipster, receipt_ref
from tests.triage.alerts_world import DONGGUAN, AlertsWorld


def types(tipster: Tipster, words: str) -> None:
    """Type a whole message as WeChat and the console read it (a command's words, or text)."""
    command = read_command(words)
    if command is not None:
        tipster.send(InboundKind.COMMAND, text=command)
    else:
        tipster.says(words)


def subscriptions(engine) -> list[Subscription]:
    with Session(engine) as session:
        return list(session.exec(select(Subscription)))


def answers_with_a_sighting(tipster: Tipster, alert_id: int) -> str:
    """An English tipster taps "I've seen this child" and reports a sighting; its reference."""
    tipster.send(InboundKind.CHOICE, text=f"{alert_id}:seen", step="alert")
    assert tipster.step == "safety"
    tipster.taps("continue")
    tipster.says("Dongguan East station")
    tipster.taps("Right now")
    tipster.taps("The child is there now")
    tipster.taps("Boy")
    tipster.says("7")
    for _ in range(4):
        tipster.says("/skip")
    tipster.taps("Cantonese")
    tipster.taps("no")
    tipster.taps("Done")
    tipster.says("/skip")
    tipster.taps("Done")
    tipster.taps("anonymous")
    tipster.taps("Submit")
    return receipt_ref(tipster.text)


def test_a_neighbour_shares_a_location_chooses_a_radius_and_sees_what_comes_and_how_to_stop(
    english_tipster, engine, cipher
) -> None:
    english_tipster.says("/subscribe")
    assert english_tipster.step == "subscribe_where" and english_tipster.question.accepts_location
    english_tipster.sends_location(23.02061, 113.75179)
    assert english_tipster.step == "subscribe_radius"
    english_tipster.taps("50 km")
    text = english_tipster.text
    assert "within 50 km of Dongguan" in text and "/unsubscribe" in text
    assert "a boy or a girl" in text and "never see tips" in text  # what an alert holds
    (subscription,) = subscriptions(engine)
    assert (subscription.latitude, subscription.longitude) == (23.02, 113.75)  # the ~1 km cell
    assert cipher.decrypt(subscription.user_ref) == "tipster-en"  # the private chat's id
    assert subscription.language == "en"

    english_tipster.says("/subscribe")
    english_tipster.sends_location(*DONGGUAN)
    english_tipster.taps("50 km")
    assert "already subscribed within 50 km of Dongguan" in english_tipster.text
    assert len(subscriptions(engine)) == 1


def test_provinces_typed_in_chinese_are_listed_and_removed_with_words(tipster, engine) -> None:
    types(tipster, "订阅")
    types(tipster, "广东 深圳")
    assert "订阅成功：当广东、深圳市有儿童走失" in tipster.text
    types(tipster, "我的订阅")
    assert "你的寻人提醒订阅" in tipster.text and "/unsubscribe" in tipster.text
    types(tipster, "取消订阅")
    assert "取消" in tipster.text and subscriptions(engine) == []
    types(tipster, "我的订阅")
    assert "没有订阅" in tipster.text or "/subscribe" in tipster.text


def test_a_place_nobody_knows_is_asked_again(english_tipster) -> None:
    english_tipster.says("/subscribe")
    english_tipster.says("somewhere nice")
    assert "couldn't find a province or city" in english_tipster.text
    assert english_tipster.step == "subscribe_where"


def test_a_tipster_mid_report_keeps_the_draft_and_is_told_to_subscribe_after(
    english_tipster, engine
) -> None:
    english_tipster.starts()
    english_tipster.says("Shanghai Hongqiao station")
    assert english_tipster.step == "when"
    english_tipster.says("/subscribe")
    assert "in the middle of a report, and it is kept" in english_tipster.text
    assert english_tipster.step == "when"  # the same question again
    assert english_tipster.draft["where"]["text"] == "Shanghai Hongqiao station"
    english_tipster.says("/subscriptions")  # answered at once, the question again after
    assert "no alert subscriptions" in english_tipster.text and english_tipster.step == "when"
    assert subscriptions(engine) == []


def test_seen_typed_with_an_alert_number_starts_a_sighting_linked_to_it(
    tipster, engine, cipher, redis_client, database_url
) -> None:
    world = AlertsWorld(engine, cipher, redis_client, database_url)
    world.lead()
    alert_id = world.publishes(world.family_case())
    types(tipster, f"见过 {alert_id}")
    assert tipster.step == "safety" and "BBH-2026-0001" in tipster.text
    assert tipster.draft["alert"] == {"id": alert_id, "case_id": "BBH-2026-0001"}
    tipster.taps("continue")
    tipster.says("东莞东站")
    tipster.says("/cancel")
    assert "草稿已删除" in tipster.text

    types(tipster, "见过 99999")  # no such alert: still a sighting, linked to nothing
    assert tipster.step == "safety" and "没有找到提醒 99999" in tipster.text
    assert "alert" not in tipster.draft


def test_a_sighting_answering_an_alert_is_stored_with_it(
    english_tipster, engine, cipher, redis_client, database_url
) -> None:
    world = AlertsWorld(engine, cipher, redis_client, database_url)
    world.lead()
    alert_id = world.publishes(world.family_case())
    ref = answers_with_a_sighting(english_tipster, alert_id)
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.ref == ref)).one()
        assert report.alert_id == alert_id and "alert" not in report.answers


def test_at_a_hotline_terminal_nobody_subscribes_but_a_caller_answers_an_alert(
    intake, engine, cipher, redis_client, database_url
) -> None:
    caller = Tipster(intake, channel="console", user_id="operator", language_hint="en")
    caller.says("/subscribe")
    assert "Alerts can't be set up here" in caller.text and subscriptions(engine) == []
    world = AlertsWorld(engine, cipher, redis_client, database_url)
    world.lead()
    alert_id = world.publishes(world.family_case())
    types(caller, f"seen {alert_id}")
    assert caller.step == "safety" and "alert for case BBH-2026-0001" in caller.text
