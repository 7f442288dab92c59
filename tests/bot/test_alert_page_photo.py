"""The public page shows the child's photo only where the family agreed and only while the
alert is open: served re-encoded with no EXIF, cached a minute at most, refused otherwise.
Screenshots in Chromium: test-artifacts/alert-page-photo-*.png."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.bot.test_alert_page import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    CHROMIUM,
    app_client,
    page_svc,
    served,
)
from tests.bot.test_dashboard_browser import browser  # noqa: F401 (fixture)
from tests.fakes.wechat_media import exif_tags, jpeg_with_gps
from tests.triage.alerts_world import DONGGUAN, AlertsWorld


@pytest.fixture
def world(engine, cipher, redis_client, database_url, data_dir) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url, media_dir=data_dir / "media")


def published(world: AlertsWorld, *, photo: bool, case_id: str = "BBH-2026-0042") -> int:
    world.neighbour_near("880001", DONGGUAN)
    world.lead("lin_xiaohong")
    world.family_case(case_id)
    world.family_photo(case_id, jpeg_with_gps(size=(1600, 1200)))
    return world.publishes(case_id, by="lin_xiaohong", photo=photo)


def test_the_consented_photo_is_shown_without_exif_until_the_alert_closes(
    world,
    page_svc,  # noqa: F811
) -> None:
    alert_id = published(world, photo=True)
    client = app_client(page_svc)

    assert f'src="{alert_id}/photo.jpg"' in client.get(f"/alerts/{alert_id}").text
    photo = client.get(f"/alerts/{alert_id}/photo.jpg")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "public, max-age=60"
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert exif_tags(photo.content) == {"make": None, "model": None, "gps": {}}
    assert max(Image.open(io.BytesIO(photo.content)).size) == 1280  # not the full scan

    world.closes(alert_id, by="lin_xiaohong", found=True)
    closed = client.get(f"/alerts/{alert_id}").text
    assert "此提醒已结束：孩子已经找到" in closed and "photo.jpg" not in closed
    assert client.get(f"/alerts/{alert_id}/photo.jpg").status_code == 404


def test_without_the_familys_consent_there_is_no_photo(world, page_svc) -> None:  # noqa: F811
    alert_id = published(world, photo=False)
    client = app_client(page_svc)
    assert "photo.jpg" not in client.get(f"/alerts/{alert_id}").text
    refused = client.get(f"/alerts/{alert_id}/photo.jpg")
    assert refused.status_code == 404 and refused.headers["cache-control"] == "no-store"
    assert client.get("/alerts/999/photo.jpg").status_code == 404


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_the_photo_in_chromium_open_then_closed(world, served, browser) -> None:  # noqa: F811
    alert_id = published(world, photo=True)
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{served}/alerts/{alert_id}?lang=en")
    assert page.locator("img.photo").evaluate("img => img.naturalWidth") == 1280  # it loaded
    page.screenshot(path=str(ARTIFACTS / "alert-page-photo-open.png"), full_page=True)
    world.closes(alert_id, by="lin_xiaohong", found=False)
    page = browser.new_page(viewport={"width": 390, "height": 900})  # a reader who has
    page.goto(f"{served}/alerts/{alert_id}?lang=en")  # no minute-old copy in their cache
    assert page.locator("img.photo").count() == 0 and page.locator("p.closed").is_visible()
    page.screenshot(path=str(ARTIFACTS / "alert-page-photo-closed.png"), full_page=True)
