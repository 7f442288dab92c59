"""Outcomes in headless Chromium against `homeward serve`: the queue's alarm, a tip's outcome
and its tipster's earlier tips, the overview, and the referral sheet on screen, in print and
as a PDF — in English on a laptop and in Chinese on a 390 px phone. Screenshots and the PDFs
are kept in test-artifacts/."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from storage import Attachment, Role, session_scope
from storage.reports import get_report
from tests.bot.dashboard_helpers import PASSWORD, enlist, report_sighting
from tests.bot.test_dashboard_browser import ARTIFACTS, WAIT_MS, browser, server, sync_api
from tests.bot.test_dashboard_outcomes import confirmed_match
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, event_log

__all__ = ["browser", "server"]  # the browser tests' fixtures, shared

expect = sync_api.expect
WIDTH = "document.documentElement.scrollWidth"


def signed_in(browser, url: str, name: str, *, phone: bool) -> sync_api.Page:
    """A browser signed in as NAME: English on a laptop, or Chinese on a 390 px phone."""
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN" if phone else "en-US", viewport=size)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("用户名" if phone else "Name").fill(name)
    page.get_by_label("密码" if phone else "Password").fill(PASSWORD)
    page.get_by_role("button", name="登录" if phone else "Sign in").click()
    return page


def shot(page: sync_api.Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def served_photo(tmp_path_factory: pytest.TempPathFactory, engine, ref: str) -> None:
    """The tip's photo as the media job leaves it, in the newest server's media folder."""
    serving = max(tmp_path_factory.getbasetemp().glob("serve*"), key=lambda p: p.stat().st_mtime)
    media = serving / "media"
    media.mkdir(exist_ok=True)
    image = io.BytesIO()
    Image.new("RGB", (640, 480), (70, 110, 160)).save(image, format="JPEG")
    (media / f"{ref}.jpg").write_bytes(image.getvalue())
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        attachment = session.exec(select(Attachment).where(Attachment.report_id == report.id)).one()
        attachment.stored_path = str(media / f"{ref}.jpg")


def the_story_so_far(engine, tipster, intake) -> tuple[str, str]:
    """A tipster whose earlier tip was verified sends another; an imminent tip waits unclaimed."""
    enlist(engine, "alice", Role.LEAD)
    enlist(engine, "wang")
    earlier = report_sighting(tipster)
    lee = CoordinatorActor(engine, "lee")
    lee.claims(earlier)
    lee.sets_status(earlier, "verified")
    ref = report_sighting(tipster, place="广东省广州市火车站东广场")
    urgent = report_sighting(Tipster(intake, user_id="tipster-urgent", language_hint="zh-hans"))
    with session_scope(engine) as session:
        report = get_report(session=session, ref=urgent)
        assert report is not None
        report.imminent, report.urgency = True, 100
        report.urgency_reasons = ["imminent", "there_now:+30"]
        report.escalated_at = report.created_at + timedelta(minutes=15)
    return ref, urgent


def test_outcomes_the_alarm_and_the_referral_sheet_in_a_browser(
    server, browser, tipster, intake, engine, tmp_path_factory
):
    ref, urgent = the_story_so_far(engine, tipster, intake)
    served_photo(tmp_path_factory, engine, ref)
    confirmed_match(
        engine, ref, other_names=["小宝"], missing_place="河南省周口市", description="左脸胎记"
    )

    page = signed_in(browser, f"{server}/dashboard/", "alice", phone=False)
    alarm = page.locator("#alarm")
    expect(alarm).to_contain_text("Alarm: imminent tips still unclaimed past their limit")
    expect(alarm).to_contain_text(urgent)
    shot(page, "outcomes-queue-alarm.png")

    page.goto(f"{server}/dashboard/tips/{ref}")
    expect(page.locator("#reporter-counts")).to_have_text(
        "Earlier tips: 1 · verified: 1 · found false: 0"
    )
    page.locator("#claim").click()
    page.locator("#refer-kind").select_option("police")
    page.locator("#refer-to").fill("广州市公安局越秀分局")
    page.locator("#refer").click()
    page.locator("input[name=outcome][value=reunited]").check()
    page.get_by_label("Note (optional)").fill("Home with his mother in Zhoukou")
    page.locator("#record-outcome").click()
    expect(page.locator("#outcome-now")).to_have_text("reunited")
    shot(page, "outcomes-tip.png")

    page.goto(f"{server}/dashboard/overview")
    expect(page.locator("#stat-outcomes")).to_have_text("1")
    expect(page.locator("#outcome-medians")).to_contain_text("All provinces")
    shot(page, "outcomes-overview.png")

    page.goto(f"{server}/dashboard/tips/{ref}")
    page.locator("#sheet-en").click()
    expect(page.locator("h1")).to_contain_text(f"Referral sheet — tip {ref}")
    expect(page.locator("#sheet-contact")).to_contain_text("138****8000")
    expect(page.locator("#sheet-outcome")).to_contain_text("reunited on")
    expect(page.locator(".photos img")).to_have_count(1)
    shot(page, "referral-sheet-en.png")
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()
    expect(page.locator("form.reveal")).to_be_hidden()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot(page, "referral-sheet-en-print.png")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "referral-sheet-en.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.context.close()

    phone = signed_in(browser, f"{server}/dashboard/", "wang", phone=True)
    expect(phone.locator("#alarm")).to_contain_text("警报")
    shot(phone, "outcomes-queue-alarm-phone-zh.png")
    phone.goto(f"{server}/dashboard/tips/{ref}")
    expect(phone.locator("#outcome-now")).to_have_text("已团圆")
    expect(phone.locator("#reporter-counts")).to_contain_text("此前的线索：1 条")
    phone.locator("#outcome").scroll_into_view_if_needed()
    shot(phone, "outcomes-tip-phone-zh.png")
    assert phone.evaluate(WIDTH) <= 390  # nothing runs off a phone's screen
    phone.goto(f"{server}/dashboard/overview")
    expect(phone.locator("#outcome-medians")).to_contain_text("所有省份")
    shot(phone, "outcomes-overview-phone-zh.png")
    assert phone.evaluate(WIDTH) <= 390
    phone.goto(f"{server}/dashboard/tips/{ref}/referral-sheet?lang=zh")
    expect(phone.locator("h1")).to_contain_text("转交单")
    shot(phone, "referral-sheet-phone-zh.png")
    (ARTIFACTS / "referral-sheet-zh.pdf").write_bytes(phone.pdf(format="A4", print_background=True))
    assert phone.evaluate(WIDTH) <= 390
    phone.context.close()

    opened = [a for actor, a in event_log(engine, ref) if a == "referral_sheet_opened"]
    assert len(opened) == 2
    assert ("alice", "outcome_recorded") in event_log(engine, ref)
