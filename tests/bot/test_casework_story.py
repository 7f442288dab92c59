"""The casework story in Chromium, as people do it: a lead adds a registry entry with a photo;
two tipsters (one in Chinese, one in English) report the same boy through the interview; the
worker proposes the match and the link; a coordinator confirms both side by side, reads the
case view, records "reunited" and sees it on the overview. Every action is in the event logs;
the key pages are read in Chinese and English and on a 390 px phone.

Screenshots of each step are kept in test-artifacts/casework-*.png.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from rq import SimpleWorker
from sqlmodel import Session, select

from storage import RegistryEntry, Role, SameChildLink
from storage.registry_log import registry_events
from tests.bot import test_dashboard_browser as browsing
from tests.bot.dashboard_helpers import PASSWORD, enlist, latin_lines
from tests.bot.test_dashboard_browser import ARTIFACTS, CHROMIUM, WAIT_MS, sync_api
from tests.stories import Tipster, receipt_ref
from tests.triage.coordinators import event_log
from triage import MemoryNotifier, Runtime, configure

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
server, browser = browsing.server, browsing.browser  # the same `homeward serve` and Chromium
expect = sync_api.expect
CASE = "BBH-2019-0412"
TYPED = re.compile(rf"{CASE}|lena|（[a-z ]+）")  # typed by people, or pinyin
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LAPTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
KEY_PAGES = (  # read again in Chinese and English, on a phone: (name, path, English, Chinese)
    ("registry-entry", f"/dashboard/registry/{CASE}", "Photos at the time missing", "失踪时的照片"),
    ("tip", "/dashboard/tips/{first}", "Possible matches in the registry", "登记库中可能的匹配"),
    ("case", "/dashboard/cases/{second}", "Every tip on a timeline", "线索时间线"),
    ("overview", "/dashboard/overview", "Median time from the first tip", "从第一条线索起"),
)
SIGN_IN = {"en-US": ("Name", "Password", "Sign in"), "zh-CN": ("用户名", "密码", "登录")}


def shot(page: sync_api.Page, step: str) -> None:
    """A full-page screenshot of one step of the story."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"casework-{step}.png"), full_page=True)


def fits_a_phone(page: sync_api.Page) -> bool:
    """No sideways scrolling on a 390 px screen."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= 390"))


def signed_in(browser, server: str, name: str, locale: str, size: dict[str, int]):
    """A fresh browser signed in as NAME, in LOCALE on a screen of SIZE."""
    context = browser.new_context(locale=locale, viewport=size)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{server}/dashboard/login")
    label, secret, button = SIGN_IN[locale]
    page.get_by_label(label).fill(name)
    page.get_by_label(secret).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    expect(page.locator("#sign-out")).to_be_visible()
    return page


def photo_of_the_boy(folder: Path) -> Path:
    """The family's photo of the boy at four: a small JPEG with a face and a mark."""
    image = Image.new("RGB", (240, 300), (214, 226, 236))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 50, 180, 190), fill=(236, 200, 170))
    draw.ellipse((78, 130, 100, 148), fill=(190, 60, 60))  # the birthmark, left cheek
    draw.rectangle((50, 200, 190, 300), fill=(40, 90, 160))
    out = folder / "li-yong-2019.jpg"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    out.write_bytes(buffer.getvalue())
    return out


def the_lead_adds_the_entry(page: sync_api.Page, server: str, photo: Path) -> None:
    """On the registry page, with every field the family gave and their photo."""
    page.goto(f"{server}/dashboard/registry")
    page.locator("#add-entry").click()
    page.get_by_label("Case number", exact=True).fill(CASE)
    page.get_by_label("Name", exact=True).fill("李勇")
    page.get_by_label("Other names").fill("勇勇; 小勇")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Born").fill("2015-03-02")
    page.get_by_label("Missing since").fill("2019-06-01")
    page.get_by_label("Where missing").fill("四川省成都市金牛区")
    page.get_by_label("Home province").fill("四川")
    page.get_by_label("Dialect").fill("四川话")
    page.get_by_label("Marks").fill("左脸有一块红色胎记")
    page.get_by_label("Police case number").fill("川公刑 2019-118")
    page.get_by_label("Family contact").fill("母亲 139 2233 4455")
    page.locator("#e-photo").set_input_files(str(photo))
    shot(page, "01-registry-new-en")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Entry added")
    expect(page.locator("#family-contact")).to_have_text("****4455")
    expect(page.locator(".thumbs img")).to_have_count(1)
    shot(page, "02-registry-entry-en")


def a_neighbour_reports_in_chinese(tipster: Tipster) -> str:
    """A shopkeeper near the bus station: the boy who says he is 李涌 from Sichuan."""
    tipster.says("你好")
    tipster.taps("我看到一个可能被拐的孩子")
    tipster.taps("继续")
    tipster.says("广东省东莞市长安镇汽车站旁边的小卖部")
    tipster.says("3天前")
    tipster.taps("孩子住在附近")
    tipster.taps("男孩")
    tipster.says("十一二岁")
    tipster.says("很瘦，左脸有一块红色胎记")
    tipster.says("狗娃")
    tipster.says("李涌")
    tipster.says("他说老家在四川，想回家找妈妈")
    tipster.says("四川话")
    tipster.taps("是的，不一样")
    tipster.taps("说想回家，或提到在别处的父母")
    tipster.taps("完成")
    tipster.says("一个中年男人，说是他舅舅，在车站卖水果")
    tipster.taps("完成")
    tipster.taps("留下电话号码")
    tipster.says("137 0077 2211")
    tipster.taps("提交")
    return receipt_ref(tipster.text)


def a_teacher_reports_in_english(tipster: Tipster) -> str:
    """A foreign teacher waiting for a bus: the same boy, a day later, heard in pinyin."""
    tipster.says("/start")
    tipster.taps("I saw a child who may have been taken")
    tipster.taps("Continue")
    tipster.says("Chang'an bus station, Dongguan")
    tipster.taps("Yesterday")
    tipster.taps("The child lives nearby")
    tipster.taps("Boy")
    tipster.says("about 10")
    tipster.says("Thin, red birthmark on his left cheek")
    tipster.says("Gouwa")
    tipster.says("Li Yong")
    tipster.says("He said he is from Sichuan and wants to go home")
    tipster.taps("Sichuanese / Southwestern Mandarin")
    tipster.taps("Yes, it's different")
    tipster.taps("Asked to go home, or spoke of parents elsewhere")
    tipster.taps("Begging or working")
    tipster.taps("Done")
    tipster.says("A man selling fruit outside the station kept him working")
    tipster.taps("Done")
    tipster.taps("Stay anonymous")
    tipster.taps("Submit")
    return receipt_ref(tipster.text)


def the_worker_runs(queue, redis_client, database_url: str, cipher) -> None:
    """The real jobs, as `homeward worker` runs them: triage, matching and linking."""
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    SimpleWorker([queue], connection=redis_client).work(burst=True)


def the_coordinator_confirms(page: sync_api.Page, first: str, second: str) -> None:
    """From the second tip to the first by its link; the match side by side, then the link."""
    page.locator(f"#link-{first}").get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    match = page.locator(f"#match-{CASE}")
    expect(match).to_contain_text("missing 2019 aged 4")
    expect(match.locator("tr.fact-agree").first).to_be_visible()
    shot(page, "05-tip-with-match-en")
    match.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Match confirmed")
    link = page.locator(f"#link-{second}")
    expect(link).to_be_visible()
    shot(page, "06-match-confirmed-en")
    link.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("same child")
    shot(page, "07-link-confirmed-en")


def test_from_a_registry_entry_to_a_reunion(
    server, browser, engine, intake, cipher, queue, redis_client, database_url, tmp_path
):
    enlist(engine, "lena", Role.LEAD)
    enlist(engine, "wang")
    lead = signed_in(browser, server, "lena", "en-US", LAPTOP)
    the_lead_adds_the_entry(lead, server, photo_of_the_boy(tmp_path))
    lead.context.close()

    first = a_neighbour_reports_in_chinese(Tipster(intake, user_id="shop", language_hint="zh"))
    second = a_teacher_reports_in_english(Tipster(intake, user_id="teacher", language_hint="en"))
    the_worker_runs(queue, redis_client, database_url, cipher)
    with Session(engine) as session:
        assert session.exec(select(SameChildLink)).all(), "the worker proposed no link"

    page = signed_in(browser, server, "wang", "en-US", LAPTOP)
    expect(page.locator(f'tr[data-ref="{first}"]')).to_be_visible()
    expect(page.locator(f'tr[data-ref="{second}"]')).to_be_visible()
    shot(page, "03-queue-en")
    page.locator(f'tr[data-ref="{second}"]').get_by_role("link").click()  # the most urgent
    expect(page.locator(f"#link-{first}")).to_contain_text("proposed, awaiting a decision")
    shot(page, "04-second-tip-en")
    the_coordinator_confirms(page, first, second)

    page.locator("#open-case").click()
    expect(page.locator("#case-timeline li")).to_have_count(2)
    expect(page.locator("#case-timeline time").first).to_have_text(DAY)  # a day, as told
    expect(page.locator(f"#case-entry-{CASE}")).to_be_visible()
    expect(page.locator("figure.map circle")).to_have_count(2)
    shot(page, "08-case-en")

    page.locator("#case-timeline").get_by_role("link", name=first).click()
    page.locator("#claim").click()
    page.locator("input[name=outcome][value=reunited]").check()
    page.get_by_label("Note (optional)").fill("已回到成都母亲身边，DNA 比对一致")
    page.locator("#record-outcome").click()
    expect(page.locator("#outcome-now")).to_have_text("reunited")
    shot(page, "09-outcome-en")
    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#stat-outcomes")).to_have_text("1")
    expect(page.locator("#outcome-medians")).to_contain_text("0 d (of 1)")  # reunited the day
    shot(page, "10-overview-en")

    page.get_by_role("button", name="中文").click()
    for name, path, _, marker in KEY_PAGES:
        page.goto(server + path.format(first=first, second=second))
        expect(page.locator("main")).to_contain_text(marker)
        shot(page, f"11-{name}-zh")
        if name != "case":  # the case view quotes the English tipster's words, as typed
            text = TYPED.sub("", page.inner_text("main"))
            assert latin_lines(text.splitlines()) == [], name
    page.set_viewport_size(PHONE)
    for language, column in (("zh", 3), ("en", 2)):
        for row in KEY_PAGES:
            page.goto(server + row[1].format(first=first, second=second))
            expect(page.locator("main")).to_contain_text(row[column])
            assert fits_a_phone(page), f"{row[0]} in {language} scrolls sideways"
            shot(page, f"12-{row[0]}-{language}-phone")
        if language == "zh":
            page.get_by_role("button", name="English").click()
    page.context.close()

    proposed, matched = ("system", "same_child_proposed"), ("system", "matched")
    assert event_log(engine, first)[0] == ("tipster", "submitted")
    assert proposed in event_log(engine, first) and proposed in event_log(engine, second)
    assert matched in event_log(engine, first) and matched in event_log(engine, second)
    assert [a for who, a in event_log(engine, first) if who == "wang"] == [
        "match_confirmed",
        "same_child_confirmed",
        "claimed",
        "status_changed",
        "outcome_recorded",
        "status_changed",  # reunited closes the tip
    ]
    assert [a for who, a in event_log(engine, second) if who == "wang"] == ["same_child_confirmed"]
    with Session(engine) as session:
        entry = session.exec(select(RegistryEntry).where(RegistryEntry.case_id == CASE)).one()
        entry_log = [
            (e.actor, e.action) for e in registry_events(session=session, entry_id=entry.id)
        ]
    assert [a for who, a in entry_log if who == "lena"] == ["added", "photo_added"]
