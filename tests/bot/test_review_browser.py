"""End to end in Chromium: a coordinator confirms a match side by side and a same-child link,
then reads the case view; in English and Chinese, on a laptop and at phone width (390 px).

Screenshots are kept in test-artifacts/ (review-*.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import session_scope
from storage.reports import get_report
from tests.bot import test_dashboard_browser as browsing
from tests.bot.dashboard_helpers import PASSWORD, enlist
from tests.bot.review_helpers import two_sightings_of_the_sample_boy
from tests.bot.test_dashboard_browser import ARTIFACTS, CHROMIUM, shot, sign_in, sync_api
from tests.triage.coordinators import event_log
from triage.matching_jobs import match_report

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
server, browser = browsing.server, browsing.browser  # the same `homeward serve` and Chromium
PHONE = {"width": 390, "height": 844}


def shot_of(page: sync_api.Page, selector: str, name: str) -> None:
    """A screenshot of one part of the page (the matches, the links)."""
    page.locator(selector).screenshot(path=str(ARTIFACTS / name))


def fits_the_width(page: sync_api.Page) -> bool:
    """Nothing wider than the screen: no sideways scrolling at phone width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_match_and_a_link_are_confirmed_side_by_side_and_the_case_reads_as_one(
    server, browser, engine, intake, cipher, queue, redis_client, database_url
):
    expect = sync_api.expect
    first, second = two_sightings_of_the_sample_boy(
        engine, intake, cipher, queue, redis_client, database_url
    )
    with session_scope(engine) as session:  # the second tipster shared a pin in Chang'an
        report = get_report(session=session, ref=second)
        assert report is not None
        report.latitude, report.longitude = 22.81, 113.81
        report.child_age_min = report.child_age_max = 7  # and thought the boy younger
        session.add(report)
        match_report(session=session, report=report)  # as the worker ranks a tip
    enlist(engine, "alice")
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/dashboard/tips/{first}")
    sign_in(page, "alice", PASSWORD)
    match = page.locator("#match-BBH-2019-0412")
    expect(match).to_contain_text("missing 2019 aged 4")
    expect(match).to_contain_text("looks about 11")
    shot(page, "review-tip-en.png")
    shot_of(page, "#matches", "review-matches-en.png")

    match.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Match confirmed")
    page.locator(f"#link-{second}").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("same child")
    page.locator("#open-case").click()
    expect(page.locator("#case-timeline li")).to_have_count(2)
    expect(page.locator("#case-entry-BBH-2019-0412")).to_be_visible()
    expect(page.locator("figure.map circle")).to_have_count(2)  # a pin, and a city's centre
    expect(page.locator("#case-facts dd.conflict")).to_have_count(1)  # 11 against 7
    shot(page, "review-case-en.png")
    assert ("alice", "match_confirmed") in event_log(engine, first)
    assert ("alice", "same_child_confirmed") in event_log(engine, second)
    page.goto(f"{server}/dashboard/tips/{first}")  # decided: the verdict and one change
    decided = page.locator("#match-BBH-2019-0412")
    expect(decided).to_contain_text("confirmed · by alice")
    expect(decided.get_by_role("button", name="Change verdict: dismiss")).to_be_visible()
    expect(decided.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    shot_of(page, "#matches", "review-matches-decided-en.png")
    page.goto(f"{server}/dashboard/tips/{second}")  # the same entry, through the case
    through = page.locator("#match-BBH-2019-0412")
    expect(through).to_contain_text(f"decided on {first}, the same child")
    expect(through.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    shot_of(page, "#matches", "review-matches-through-case-en.png")

    page.set_viewport_size(PHONE)
    page.goto(f"{server}/dashboard/tips/{first}")
    assert fits_the_width(page)
    shot(page, "review-tip-en-phone.png")
    shot_of(page, "#matches", "review-matches-en-phone.png")
    shot_of(page, "#links", "review-links-en-phone.png")
    page.goto(f"{server}/dashboard/cases/{first}")
    assert fits_the_width(page)
    shot(page, "review-case-en-phone.png")

    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("中孩子的案件")
    assert fits_the_width(page)
    shot(page, "review-case-zh-phone.png")
    page.goto(f"{server}/dashboard/tips/{first}")
    expect(page.locator("#match-BBH-2019-0412")).to_contain_text("2019 年走失时 4 岁")
    assert fits_the_width(page)
    shot(page, "review-tip-zh-phone.png")
    shot_of(page, "#matches", "review-matches-zh-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    shot(page, "review-tip-zh.png")
    shot_of(page, "#matches", "review-matches-zh.png")
    shot_of(page, "#links", "review-links-zh.png")
    page.goto(f"{server}/dashboard/cases/{second}")
    shot(page, "review-case-zh.png")
    page.goto(f"{server}/dashboard/tips/{second}")  # seen as 7: the age conflicts
    expect(page.locator("#match-BBH-2019-0412 tr.fact-conflict")).to_contain_text("✗ 矛盾")
    shot_of(page, "#matches", "review-matches-conflict-zh.png")
    context.close()
