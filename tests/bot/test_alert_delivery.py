"""Alerts reach subscribers through the platforms' real senders: Telegram's Bot API (faked)
with the "I've seen this child" button; WeChat within its 48-hour rule, then its template."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.telegram.alerts import TelegramAlertSender, deep_link
from bot.telegram.config import TelegramConfig
from bot.wechat.alerts import WeChatAlertSender
from bot.wechat.client import make_client
from bot.wechat.config import wechat_config
from storage import Subscription, session_scope, utcnow
from tests.bot.wechat_helpers import APP_ID, SECRET, wechat_settings
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.triage.alerts_world import DONGGUAN, AlertsWorld


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url)


def test_a_telegram_subscriber_gets_the_alert_with_its_button_and_a_blocked_one_is_recorded(
    world, fake
) -> None:
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, file_base_url="")
    world.configure_senders({"telegram": TelegramAlertSender(config)})
    world.neighbour_near("5550001", DONGGUAN)
    world.neighbour_near("5550002", DONGGUAN, language="en")
    world.lead()
    alert_id = world.publishes(world.family_case())
    fake.fail_next("sendMessage", error_code=403)  # the nearer one has blocked the bot
    world.worker_runs()

    (message,) = fake.sent_messages(5550002)
    assert "Missing child" in message.text and "A boy, aged 6 when missing" in message.text
    assert "Guangzhou, Guangdong" in message.text and "/unsubscribe" in message.text
    (button,) = message.reply_markup["inline_keyboard"][0]
    assert button == {"text": "I've seen this child", "callback_data": f"alert:{alert_id}:seen"}
    assert fake.sent_messages(5550001) == []
    statuses = {d.subscription_id: d.status for d in world.deliveries(alert_id)}
    assert sorted(statuses.values()) == ["blocked", "sent"]
    assert (
        deep_link("@homeward_bot", alert_id) == f"https://t.me/homeward_bot?start=alert-{alert_id}"
    )


def a_wechat_world(
    world: AlertsWorld, api: FakeWeChatAPI, tmp_path: Path, secret_key: str, template: str | None
) -> None:
    settings = wechat_settings(
        database_url=world.database_url,
        secret_key=secret_key,
        data_dir=tmp_path,
        safe_mode=True,
        wechat_api_base_url=api.api_base_url,
    )
    client = partial(make_client, wechat_config(settings), world.redis)
    world.configure_senders({"wechat": WeChatAlertSender(client, template_id=template)})


def wrote_last(world: AlertsWorld, days_ago: float) -> None:
    """Every WeChat subscriber last wrote to the account this long ago."""
    with session_scope(world.engine) as session:
        session.execute(update(Subscription).values(created_at=utcnow() - timedelta(days=days_ago)))


@pytest.mark.parametrize("template", [None, "TEMPLATE-ALERT-1"])
def test_wechat_writes_within_48_hours_and_past_them_only_by_template(
    world, tmp_path, secret_key, template
) -> None:
    with FakeWeChatAPI(APP_ID, SECRET) as api:
        a_wechat_world(world, api, tmp_path, secret_key, template)
        world.neighbour_near("o-recent", DONGGUAN, platform="wechat")
        world.lead()
        first = world.publishes(world.family_case("BBH-1"))
        world.worker_runs()
        (message,) = api.customer_messages("o-recent")
        assert f"见过 {first}" in message["text"]["content"]

        wrote_last(world, days_ago=3)
        second = world.publishes(world.family_case("BBH-2"))
        world.worker_runs()
        assert len(api.customer_messages("o-recent")) == 1  # nothing more by customer message
        (row,) = world.deliveries(second)
        if template is None:
            assert row.status == "unreachable" and "48 hours" in (row.failure or "")
            assert api.template_messages() == []
        else:
            assert row.status == "sent"
            (sent,) = api.template_messages("o-recent")
            assert sent["template_id"] == template and sent["data"]["keyword1"]["value"] == "BBH-2"


def test_wechat_falls_back_to_the_template_when_the_window_closed_early(
    world, tmp_path, secret_key
) -> None:
    with FakeWeChatAPI(APP_ID, SECRET) as api:
        a_wechat_world(world, api, tmp_path, secret_key, "TEMPLATE-ALERT-1")
        world.neighbour_near("o-quiet", DONGGUAN, platform="wechat")
        world.lead()
        api.fail_send(45015)  # WeChat says the window is closed (their clock, not ours)
        world.publishes(world.family_case())
        world.worker_runs()
        assert api.customer_messages() == [] and len(api.template_messages("o-quiet")) == 1
