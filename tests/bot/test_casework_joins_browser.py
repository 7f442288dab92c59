"""Casework joined, in headless Chromium against `homeward serve`, on a 390 px phone in Chinese
and in English: the registry's photo beside the match, the case's outcome recorded on both
tips, the registry entry following it, and the referral sheet. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from storage import Role
from tests.bot.dashboard_helpers import PASSWORD, enlist, report_sighting, report_with_pin
from tests.bot.test_casework_joins import CASE_ID, one_child_two_tips
from tests.bot.test_dashboard_browser import ARTIFACTS, WAIT_MS, browser, server, sync_api
from tests.bot.test_outcomes_browser import WIDTH, shot

__all__ = ["browser", "server"]  # the browser tests' fixtures, shared

expect = sync_api.expect
SIGN_IN = {"zh-CN": ("用户名", "密码", "登录"), "en-US": ("Name", "Password", "Sign in")}


def on_a_phone(browser, url: str, name: str, locale: str) -> sync_api.Page:
    """A browser on a 390 px phone, in Chinese or English, signed in as NAME."""
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(url)
    label_name, label_password, button = SIGN_IN[locale]
    page.get_by_label(label_name).fill(name)
    page.get_by_label(label_password).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    return page


def looks(page: sync_api.Page, url: str, name: str) -> None:
    """Open a page, keep its screenshot, and check nothing runs off the phone's screen."""
    page.goto(url)
    shot(page, name)
    assert page.evaluate(WIDTH) <= 390, name


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_casework_joined_on_a_phone(
    server, browser, tipster, english_tipster, engine, cipher, tmp_path_factory, locale
):
    serving = max(tmp_path_factory.getbasetemp().glob("serve*"), key=lambda p: p.stat().st_mtime)
    enlist(engine, "alice", Role.LEAD)
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    one_child_two_tips(engine, cipher, serving, first, second)
    lang = locale[:2]
    page = on_a_phone(browser, f"{server}/dashboard/", "alice", locale)

    page.goto(f"{server}/dashboard/tips/{first}")
    photo = page.locator(f"#match-{CASE_ID} .registry-photos img")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"  # served, not a broken image
    page.wait_for_function(loaded, arg=photo.element_handle())
    page.screenshot(path=str(ARTIFACTS / f"casework-match-photo-{lang}.png"))
    assert page.evaluate(WIDTH) <= 390

    looks(page, f"{server}/dashboard/cases/{second}", f"casework-case-{lang}.png")
    page.locator("#case-outcome-reunited").check()
    page.locator("#record-case-outcome").click()
    expect(page.locator("#case-outcome-now")).to_have_text("已团圆" if lang == "zh" else "reunited")
    expect(page.locator(f"#case-entry-status-{CASE_ID}")).to_have_text(
        "已团圆" if lang == "zh" else "Reunited"
    )
    shot(page, f"casework-case-after-{lang}.png")

    page.goto(f"{server}/dashboard/tips/{second}")  # the case's outcome is each tip's too
    expect(page.locator("#outcome-now")).to_have_text("已团圆" if lang == "zh" else "reunited")
    page.locator("#outcome").screenshot(path=str(ARTIFACTS / f"casework-tip-outcome-{lang}.png"))

    looks(page, f"{server}/dashboard/registry/{CASE_ID}", f"casework-entry-{lang}.png")
    expect(page.locator("#entry-status")).to_have_text("已团圆" if lang == "zh" else "Reunited")
    expect(page.locator(f"#entry-case-{first}")).to_be_visible()

    sheet = f"{server}/dashboard/tips/{first}/referral-sheet?lang={lang}"
    looks(page, sheet, f"casework-sheet-{lang}.png")
    expect(page.locator(".thumbs img")).to_have_count(1)
    page.wait_for_function(loaded, arg=page.locator(".thumbs img").element_handle())
    shot(page, f"casework-sheet-{lang}.png")  # again, the registry's photo loaded
    expect(page.locator(f"#sheet-police-case-{CASE_ID}")).to_have_text("川公刑2019-118")
    page.context.close()
