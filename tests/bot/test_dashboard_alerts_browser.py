"""In Chromium: a lead opens a registry entry, previews its alert in both languages, publishes
it with the family's consent and finds how to close it; looked at in English on a laptop and
in Chinese on a 390 px phone. Screenshots: test-artifacts/alert-publish-*.png."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage import Role
from tests.bot import test_dashboard_browser as shared
from tests.bot.dashboard_helpers import PASSWORD, enlist
from tests.bot.test_dashboard_browser import CHROMIUM, shot, sign_in, sync_api
from tests.handlers.test_subscribing import answers_with_a_sighting
from tests.triage.alerts_world import DONGGUAN, AlertsWorld

server, browser = shared.server, shared.browser  # the same `homeward serve` and Chromium

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def test_a_lead_publishes_a_case_alert_from_the_entry_page(
    server, browser, engine, cipher, redis_client, database_url, english_tipster
) -> None:
    expect = sync_api.expect
    world = AlertsWorld(engine, cipher, redis_client, database_url)
    world.neighbour_near("5550001", DONGGUAN)
    case_id = world.family_case("BBH-2026-0077")
    other = world.family_case("BBH-2026-0078", place="广东省东莞市", missing=date(2026, 12, 1))
    enlist(engine, "lena", Role.LEAD)

    laptop = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/dashboard/registry/{case_id}")
    sign_in(page, "lena", PASSWORD)
    page.locator("#publish-alert-link").click()
    expect(page.locator("#alert-reach")).to_contain_text("Subscribers it would reach: 1")
    expect(page.locator("#alert-preview")).to_contain_text("走失")
    expect(page.locator("#alert-preview")).to_contain_text("Missing child, please look out")
    shot(page, "alert-publish-en-desktop.png")
    page.get_by_label("How the family agreed").fill("Mother agreed by phone, 7 Dec 2026")
    page.get_by_role("button", name="Publish alert").click()
    expect(page.locator("#open-alert")).to_contain_text("Mother agreed by phone")
    shot(page, "alert-published-en-desktop.png")
    alert_id = int(page.locator("#public-page").get_attribute("href").rsplit("/", 1)[1])
    ref = answers_with_a_sighting(english_tipster, alert_id)
    page.goto(f"{server}/dashboard/tips/{ref}")
    expect(page.locator("#tip-alert")).to_contain_text(f"Answers alert {alert_id}")
    shot(page, "alert-answered-tip-en-desktop.png")
    laptop.close()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/dashboard/registry/{case_id}/alert")
    page.get_by_label("用户名").fill("lena")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#close-alert")).to_be_visible()
    expect(page.locator("#alert-sent")).to_contain_text("还有 1 位待发送")  # no worker here
    shot(page, "alert-published-zh-phone.png")
    page.goto(f"{server}/dashboard/registry/{other}/alert")
    expect(page.locator("#alert-preview")).to_contain_text("广东省东莞市")
    shot(page, "alert-publish-zh-phone.png")
    phone.close()
