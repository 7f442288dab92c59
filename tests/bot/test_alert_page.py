"""The public page of an alert: anyone opens it with no sign-in, reads the alert, finds how to
report and a QR code to share; it says when the alert is closed and never shows a tip, a
tipster or a coordinator. Screenshots in Chromium (zh and en, desktop and phone) are saved in
test-artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.testclient import TestClient

from bot.public import alert_page_routes
from bot.wiring import Services
from tests.bot.dashboard_helpers import settings_for
from tests.bot.telegram_helpers import make_services
from tests.triage.alerts_world import DONGGUAN, AlertsWorld

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url)


@pytest.fixture
def page_svc(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake):
    settings = settings_for(
        database_url,
        secret_key,
        data_dir,
        telegram_bot_username="homeward_tips_bot",
        wechat_follow_url="http://weixin.qq.com/r/homeward-fake",
        homeward_public_url="https://tips.example.org",
    )
    return make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip


def app_client(svc: Services) -> TestClient:
    from starlette.applications import Starlette

    return TestClient(Starlette(routes=alert_page_routes(svc)))


def published(world: AlertsWorld) -> int:
    world.neighbour_near("880001", DONGGUAN)
    world.lead("lin_xiaohong")
    return world.publishes(world.family_case("BBH-2026-0042"), by="lin_xiaohong")


def test_anyone_reads_the_alert_and_how_to_report_but_no_tip_or_coordinator(
    world, page_svc
) -> None:
    alert_id = published(world)
    client = app_client(page_svc)

    page = client.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    html = page.text
    assert "BBH-2026-0042" in html and "男孩，走失时 6 岁" in html and "右眉上有一颗痣" in html
    assert f"https://t.me/homeward_tips_bot?start=alert-{alert_id}" in html
    assert "拨打 110" in html and f"回复：见过 {alert_id}" in html
    assert f"https://tips.example.org/alerts/{alert_id}" in html
    assert (
        "lin_xiaohong" not in html and "母亲电话同意" not in html
    )  # no coordinator, no consent note
    english = client.get(f"/alerts/{alert_id}?lang=en").text
    assert "Missing child: please look out" in english and "Guangzhou, Guangdong" in english

    qr = client.get(f"/alerts/{alert_id}/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml" and qr.content.startswith(b"<svg")
    assert client.get(f"/alerts/{alert_id}/wechat.svg").status_code == 200
    assert client.get("/alerts/999").status_code == 404

    world.closes(alert_id, by="lin_xiaohong", found=True)
    closed = client.get(f"/alerts/{alert_id}").text
    assert "此提醒已结束：孩子已经找到" in closed and "拨打 110" not in closed


@pytest.fixture
def served(page_svc: Services) -> Iterator[str]:
    """The page's routes on a real server in this process (for Chromium)."""
    from starlette.applications import Starlette

    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=alert_page_routes(page_svc)),
            host="127.0.0.1",
            port=0,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_the_page_in_chromium_in_both_languages_at_desk_and_phone_width(world, served) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    alert_id = published(world)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        try:
            for width, name in ((1100, "desktop"), (390, "phone")):
                page = browser.new_page(viewport={"width": width, "height": 900})
                for lang in ("zh", "en"):
                    page.goto(f"{served}/alerts/{alert_id}?lang={lang}")
                    qr = page.locator("img[src$='qr.svg']")
                    assert qr.evaluate("img => img.naturalWidth") > 0  # the QR code loaded
                    page.screenshot(
                        path=str(ARTIFACTS / f"alert-page-{lang}-{name}.png"), full_page=True
                    )
                page.close()
        finally:
            browser.close()
