"""On WeChat a photo the family agreed to goes as an image customer-service message before the
alert's text: uploaded once as temporary media, its media_id reused, uploaded again once
WeChat has dropped it (three days); a template message carries no image. Followers subscribe
through signed callbacks to the real WeChat channel; the worker's senders are the real
wiring (`configure_alerts`), its client talking HTTP to a fake WeChat API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.alert_wiring import configure_alerts
from storage import AlertPhotoUpload, DeliveryKind, Subscription, session_scope, utcnow
from storage.alerts import add_deliveries
from tests.bot.wechat_helpers import WeChatWorld, wechat_settings, wechat_world
from tests.fakes.wechat_media import exif_tags, jpeg_with_gps
from tests.triage.alerts_world import AlertsWorld
from triage.alerts import enqueue_fanout
from triage.alerts.subscribing import user_key

FOLLOWERS = ["oGuangdongNeighbour000000001", "oGuangdongNeighbour000000002"]
QUIET = "oGuangdongQuietSubscriber0001"  # subscribed three days ago, silent since
TEMPLATE = "TEMPLATE-ALERT-1"


@pytest.fixture
def world(engine, cipher, redis_client, database_url, tmp_path) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url, media_dir=tmp_path / "media")


@pytest.fixture
def wx(engine, cipher, redis_client, database_url, secret_key, data_dir):
    settings = wechat_settings(
        database_url=database_url,
        secret_key=secret_key,
        data_dir=data_dir,
        safe_mode=True,
        wechat_alert_template_id=TEMPLATE,
    )
    with wechat_world(settings, engine=engine, cipher=cipher, redis_client=redis_client) as wx:
        yield wx


def subscribed(wx: WeChatWorld, world: AlertsWorld) -> None:
    """Two followers subscribe to Guangdong by signed callbacks; a third did days ago."""
    for openid in FOLLOWERS:
        follower = wx.tipster(openid)
        follower.follows()
        follower.says("订阅")
        assert "订阅成功" in follower.says("广东")
    world.neighbour_of(QUIET, "广东", platform="wechat")
    with session_scope(world.engine) as session:
        session.execute(
            update(Subscription)
            .where(Subscription.user_key == user_key(world.cipher, "wechat", QUIET))
            .values(created_at=utcnow() - timedelta(days=3))
        )


def alert_messages(wx: WeChatWorld, openid: str, since: int) -> list[tuple[str, str]]:
    """(msgtype, media_id or text) of the customer messages to a follower after `since`."""
    sent = [m for m in wx.api.customer_messages()[since:] if m["touser"] == openid]
    return [
        (m["msgtype"], m["image"]["media_id"] if m["msgtype"] == "image" else m["text"]["content"])
        for m in sent
    ]


def a_late_reader(wx: WeChatWorld, world: AlertsWorld, alert_id: int, openid: str) -> None:
    """A follower who subscribes later, given a row of the alert's fan-out still to send."""
    follower = wx.tipster(openid)
    follower.says("订阅")
    assert "订阅成功" in follower.says("广东")
    key = user_key(world.cipher, "wechat", openid)
    with session_scope(world.engine) as session:
        late = session.exec(select(Subscription).where(Subscription.user_key == key)).one()
        add_deliveries(
            session=session,
            alert_id=alert_id,
            kind=DeliveryKind.ALERT,
            targets=[(late.id or 0, None)],
        )
    enqueue_fanout(world.queue, alert_id, DeliveryKind.ALERT)


def a_photo_case_with_followers(world, wx) -> str:
    """Followers subscribed, the worker's real senders at the fake API, and a lead's case
    whose family gave a photo; its case id."""
    subscribed(wx, world)
    configure_alerts(wx.svc)
    world.lead()
    case_id = world.family_case()
    world.family_photo(case_id, jpeg_with_gps(size=(640, 480)))
    return case_id


def test_the_photo_is_an_image_uploaded_once_then_again_when_wechat_dropped_it(world, wx) -> None:
    case_id = a_photo_case_with_followers(world, wx)
    before = len(wx.api.customer_messages())
    alert_id = world.publishes(case_id, photo=True)
    world.worker_runs()

    ((media_id, content),) = wx.api.uploads()  # one upload for every follower
    assert exif_tags(content) == {"make": None, "model": None, "gps": {}}
    for openid in FOLLOWERS:
        (image, (kind, text)) = alert_messages(wx, openid, before)
        assert image == ("image", media_id) and kind == "text"
        assert f"见过 {alert_id}" in text and "BBH-2026-0001" in text
    assert alert_messages(wx, QUIET, before) == []  # past 48 hours: the template, no image
    (template,) = wx.api.template_messages(QUIET)
    assert template["template_id"] == TEMPLATE and template["data"]["keyword1"]["value"] == case_id

    # Three days on, the media_id kept in the database has run out: uploaded again, once.
    with session_scope(world.engine) as session:
        session.execute(
            update(AlertPhotoUpload).values(uploaded_at=utcnow() - timedelta(days=3, hours=1))
        )
    wx.api.expire_media()
    late = "oGuangdongLateNeighbour000001"
    a_late_reader(wx, world, alert_id, late)
    world.worker_runs()
    assert len(wx.api.uploads()) == 2
    renewed = wx.api.uploads()[1][0]
    assert [kind for kind, _ in alert_messages(wx, late, before)][-2:] == ["image", "text"]
    assert alert_messages(wx, late, before)[-2] == ("image", renewed)

    # WeChat dropped it early (it says 40007): uploaded again rather than sent without.
    wx.api.expire_media()
    later = "oGuangdongLateNeighbour000002"
    a_late_reader(wx, world, alert_id, later)
    world.worker_runs()
    assert len(wx.api.uploads()) == 3
    assert alert_messages(wx, later, before)[-2] == ("image", wx.api.uploads()[2][0])
