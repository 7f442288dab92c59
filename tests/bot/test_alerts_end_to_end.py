"""Issue 17's story, end to end: a neighbour in Guangdong subscribes on Telegram and one in
Beijing on WeChat (signed callbacks); a lead publishes a case alert from the dashboard; the
fan-out reaches the Guangdong neighbour once although its worker is killed twice; she taps
"I've seen this child", reports a sighting linked to the alert and its case; Beijing gets
nothing; after /unsubscribe the next alert does not reach her; the public page renders."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.telegram.alerts import TelegramAlertSender
from bot.telegram.config import TelegramConfig
from bot.telegram.coordinators.card import card
from storage import AlertDelivery, Report, Role, Subscription, utcnow
from tests.bot.telegram_helpers import TelegramTipster
from tests.bot.test_alert_page import CHROMIUM, page_svc, served  # noqa: F401 (fixtures)
from tests.bot.test_cli_triage import cli_env, run
from tests.bot.test_dashboard_alerts import app, signed_in  # noqa: F401 (fixture)
from tests.bot.wechat_helpers import wechat_settings, wechat_world
from tests.triage.alert_worker_proc import HUNG
from tests.triage.alerts_world import DONGGUAN, GUANGZHOU, SHANGHAI, SHENZHEN, AlertsWorld
from tests.triage.test_alert_fanout import run_worker_process
from triage.alerts.fanout import LEASE, resume_fanouts

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
HER_CHAT = 4242  # her private chat with the bot: the id her subscription keeps


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url)


@pytest.fixture
def wechat() -> Iterator[ExitStack]:
    """The WeChat side, open from the Beijing neighbour's subscribing to her answer."""
    with ExitStack() as stack:
        yield stack


def kill_after_first_send(world: AlertsWorld, fake, secret_key: str, redis_client) -> None:
    """A worker sends one message and is killed before it marks it sent; the sweeper, once
    the lease has passed, settles that row and queues the rest again."""
    redis_client.delete(HUNG)
    worker = run_worker_process(world, fake, secret_key, hang_at=1)
    while not redis_client.get(HUNG):
        assert worker.poll() is None, "the worker ended before it hung"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert resume_fanouts(world.engine, world.queue, now=utcnow() + LEASE * 2) == 1


def alerts_to(fake, chat_id: int) -> list:
    """Alerts delivered to a chat (a tap later edits the alert's message; that is no delivery)."""
    return [
        m
        for m in fake.sent_messages(chat_id)
        if m.method == "sendMessage" and ("Missing child" in m.text or "走失" in m.text)
    ]


def her_sighting(her: TelegramTipster) -> str:
    """The sighting after the safety note; the reference code."""
    her.taps("Continue")
    her.sends_location(*DONGGUAN)
    her.taps("Right now")
    her.taps("The child is there now")
    her.taps("Boy")
    her.says("7")
    for _ in range(4):  # appearance, names used, name given, what the child said
        her.says("/skip")
    her.taps("Cantonese")
    her.taps("Yes, it's different")
    her.taps("Seems afraid of the adults")
    her.taps("Done")
    her.says("/skip")  # the adults
    her.taps("Done")  # no photos
    her.taps("Stay anonymous")
    her.taps("Submit")
    text = her.question.text
    return "HW-" + text.split("HW-", 1)[1].split()[0].rstrip(".。")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_subscribe_publish_receive_once_answer_and_unsubscribe(
    bot, fake, updates, app, served, world, wechat, engine, cipher, redis_client, database_url,  # noqa: F811
    secret_key, data_dir, tmp_path,
) -> None:  # fmt: skip
    # A neighbour in Dongguan subscribes on Telegram, sharing her location, within 100 km.
    her = TelegramTipster(bot, updates, HER_CHAT, language_code="en")
    assert "Share your location" in her.says("/subscribe").text
    her.sends_location(23.0206, 113.7518)
    assert "within 100 km of Dongguan" in her.taps("100 km").text
    assert "/unsubscribe" in her.question.text

    # One in Beijing subscribes on WeChat, typing the place.
    settings = wechat_settings(
        database_url=database_url, secret_key=secret_key, data_dir=data_dir, safe_mode=True
    )
    wx = wechat.enter_context(
        wechat_world(settings, engine=engine, cipher=cipher, redis_client=redis_client)
    )
    beijing = wx.tipster("oBeijingNeighbour0000000001")
    beijing.follows()
    assert "省份或城市" in beijing.says("订阅")
    assert "订阅成功：当北京有儿童走失" in beijing.says("北京")
    world.neighbour_near("880001", GUANGZHOU, radius_km=100)  # two more in Guangdong
    world.neighbour_near("880002", SHENZHEN, radius_km=200)

    # A lead publishes the family's case from the dashboard.
    case_id = world.family_case()
    lena = signed_in(app, engine, "lena", Role.LEAD)
    page = lena.opens(f"/registry/{case_id}/alert").text
    assert "Missing child, please look out" in page and "将发送给 3 位订阅者" in page
    assert lena.posts(f"/registry/{case_id}/alert", consent="母亲电话同意").status_code == 303

    # The fan-out's worker is killed twice, each time just after Telegram took a message.
    kill_after_first_send(world, fake, secret_key, redis_client)
    kill_after_first_send(world, fake, secret_key, redis_client)
    assert run_worker_process(world, fake, secret_key).wait(timeout=120) == 0
    received = Counter(m.chat_id for m in fake.sent_messages() if m.chat_id in (880001, 880002))
    assert received == {880001: 1, 880002: 1} and len(alerts_to(fake, HER_CHAT)) == 1
    with Session(engine) as session:
        far = session.exec(select(Subscription).where(Subscription.platform == "wechat")).one()
        rows = session.exec(select(AlertDelivery).where(AlertDelivery.subscription_id == far.id))
        assert rows.all() == []  # Beijing is not asked

    # She taps "I've seen this child": the sighting starts at the safety note.
    (alert,) = alerts_to(fake, HER_CHAT)
    assert "/unsubscribe" in alert.text
    safety = her.taps("I've seen this child", on=alert)
    assert "alert for case BBH-2026-0001" in safety.text and "Continue" in str(safety.reply_markup)
    ref = her_sighting(her)

    # The tip answers the alert and its case: tips show --json, the card, the tip page.
    env = {**cli_env(database_url, tmp_path), "HOMEWARD_SECRET_KEY": secret_key}
    shown = json.loads(run(["tips", "show", ref, "--json"], env).stdout)
    alert_id = shown["alert"]["id"]
    assert shown["alert"] == {"id": alert_id, "case_id": "BBH-2026-0001"}
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.ref == ref)).one()
        text = card(report, holder=None, language="en", tz=SHANGHAI, now=utcnow()).text
    assert f"Answers alert {alert_id} (case BBH-2026-0001)" in text
    assert f"回应寻人提醒 {alert_id}（案件 BBH-2026-0001）" in lena.opens(f"/tips/{ref}").text

    # The alert's deep link (its public page's Telegram button) does what the button does.
    start = updates.command(HER_CHAT, "/start", f"alert-{alert_id}", language_code="en")
    assert "alert for case BBH-2026-0001" in her.send(start).text
    her.says("/cancel")

    # On WeChat the alert's reply word does the same, through a signed callback.
    answer = beijing.says(f"见过 {alert_id}")
    assert "案件 BBH-2026-0001 寻人提醒中的孩子" in answer and "继续" in answer
    wechat.close()

    # After /unsubscribe the next alert does not reach her.
    assert "no more alerts" in her.says("/unsubscribe").text
    sender = TelegramAlertSender(
        TelegramConfig(token=fake.token, api_base_url=fake.base_url, file_base_url="")
    )
    world.configure_senders({"telegram": sender})
    second = world.family_case("BBH-2026-0002", place="广东省东莞市")
    assert lena.posts(f"/registry/{second}/alert", consent="父亲当面同意").status_code == 303
    world.worker_runs()
    assert len(alerts_to(fake, HER_CHAT)) == 1
    assert any("BBH-2026-0002" in m.text for m in fake.sent_messages(880001))

    # The public page renders in Chromium.
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 900})
            page.goto(f"{served}/alerts/{alert_id}?lang=en")
            assert "BBH-2026-0001" in page.content()
            page.screenshot(path=str(ARTIFACTS / "alerts-e2e-public-page.png"), full_page=True)
        finally:
            browser.close()
