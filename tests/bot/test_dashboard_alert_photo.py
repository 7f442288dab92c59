"""On the dashboard: a case whose tip is confirmed as a registry child offers its leads the
alert to publish, and the open alert's card says whether the child's photo goes with it."""

from __future__ import annotations

import html
import re

import pytest

from handlers.catalogue import catalogue
from storage import Role
from tests.bot.dashboard_helpers import report_sighting
from tests.bot.test_dashboard_alerts import app, signed_in
from tests.bot.test_dashboard_outcomes import confirmed_match
from tests.fakes.wechat_media import jpeg_with_gps
from tests.triage.alerts_world import AlertsWorld

__all__ = ["app"]  # the dashboard's fixture, shared
CASE_ID = "BCH-2019-0042"  # the entry confirmed_match makes


@pytest.fixture
def world(engine, cipher, redis_client, database_url, data_dir) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url, media_dir=data_dir / "media")


def card_says(page: str) -> str:
    """The open alert card's line about the photo."""
    found = re.search(r'<p id="alert-photo">([^<]*)</p>', page)
    assert found, "no photo line on the open alert's card"
    return html.unescape(found.group(1))


def said(key: str) -> set[str]:
    return {catalogue().text(language, f"alert.dash.{key}") for language in ("zh_CN", "en")}


def test_a_lead_publishes_from_the_case_view_and_the_card_says_the_photo_goes(
    app, engine, world, tipster
) -> None:
    ref = report_sighting(tipster)
    confirmed_match(engine, ref)  # the tip is the registry's child
    world.family_photo(CASE_ID, jpeg_with_gps())
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)

    link = f'href="/dashboard/registry/{CASE_ID}/alert" id="publish-alert-{CASE_ID}"'
    assert link in lena.opens(f"/cases/{ref}").text
    assert f"publish-alert-{CASE_ID}" not in carol.opens(f"/cases/{ref}").text

    form = lena.opens(f"/registry/{CASE_ID}/alert").text
    assert 'name="photo" value="yes"' in form  # the entry has a photo to agree to
    agreed = "母亲电话同意，照片也可以"
    assert lena.posts(f"/registry/{CASE_ID}/alert", consent=agreed, photo="yes").status_code == 303
    card = lena.opens(f"/registry/{CASE_ID}/alert").text
    assert card_says(card) in said("photo_goes")
    alert_id = int(re.search(r'href="/alerts/(\d+)" id="public-page"', card).group(1))

    lena.posts(f"/registry/{CASE_ID}/alert/{alert_id}/close")
    assert lena.posts(f"/registry/{CASE_ID}/alert", consent="父亲同意，不用照片").status_code == 303
    assert card_says(lena.opens(f"/registry/{CASE_ID}/alert").text) in said("photo_stays")
