"""The dashboard on a phone's 390 px screen, in headless Chromium against `homeward serve`."""

from __future__ import annotations

from datetime import timedelta

from storage import Role, session_scope, utcnow
from storage.reports import get_report
from tests.bot.dashboard_helpers import PASSWORD, enlist, report_sighting
from tests.bot.test_dashboard_browser import WAIT_MS, browser, server, sync_api
from triage.urgency_words import IMMINENT

__all__ = ["browser", "server"]  # the browser tests' fixtures, shared

LINE_HEIGHT = "e => parseFloat(getComputedStyle(e).lineHeight)"
TEXT_MIDDLE = "e => { const r = document.createRange(); r.selectNodeContents(e); r.setStartAfter(e.querySelector('input')); const b = r.getClientRects()[0]; return b.top + b.height / 2; }"
TEXT_HEIGHT = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().height; }"


def on_a_phone(browser: sync_api.Browser, url: str, name: str) -> sync_api.Page:
    """A 390 px wide Chinese browser signed in as NAME at URL."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def test_on_a_phone_the_imminent_badge_reads_on_one_line(server, browser, tipster, engine):
    enlist(engine, "wang")
    ref = report_sighting(tipster)
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        report.imminent, report.urgency = True, 100  # as the assessment leaves it
        report.urgency_reasons = [IMMINENT, "there_now:30"]
        report.top_until = utcnow() + timedelta(days=3)
        session.add(report)
    page = on_a_phone(browser, f"{server}/dashboard/", "wang")
    badge = page.locator(f'tr[data-ref="{ref}"] .badge-imminent').first
    sync_api.expect(badge).to_have_text("即刻危险")
    box, line = badge.bounding_box(), float(badge.evaluate(LINE_HEIGHT))
    assert box is not None
    assert box["height"] < 2 * line  # 即刻危险, not 即/刻/危/险
    page.context.close()


def test_on_a_phone_the_coordinators_list_reads_a_word_a_line(server, browser, engine):
    enlist(engine, "zhou", Role.ADMIN)
    page = on_a_phone(browser, f"{server}/dashboard/admin", "zhou")
    sync_api.expect(page.locator("#coordinators")).to_be_visible()
    line = float(page.locator("#coordinators th").first.evaluate(LINE_HEIGHT))
    for cell in page.locator("#coordinators tr > :not(:last-child)").all():  # not the buttons
        text = float(cell.evaluate(TEXT_HEIGHT))
        assert text < 2 * line, cell.inner_text()  # 用户名, not 用/户/名
    page.context.close()


def test_on_a_phone_a_tick_box_sits_level_with_its_words(server, browser, tipster, engine):
    enlist(engine, "wang")
    ref = report_sighting(tipster)
    page = on_a_phone(browser, f"{server}/dashboard/tips/{ref}", "wang")
    box = page.locator("#export-identity")
    sync_api.expect(box).to_be_visible()
    tick, label = box.bounding_box(), page.locator("label.check", has=box).evaluate(TEXT_MIDDLE)
    assert tick is not None
    assert abs(tick["y"] + tick["height"] / 2 - label) < 6  # not a line below the box
    page.context.close()
