"""End to end in Chromium: a lead adds a registry entry with a photo, edits it, imports a CSV
with a preview, removes the photo; the pages looked at in English on a laptop and in Chinese on a 390 px phone.

Screenshots are saved in test-artifacts/registry-*.png.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from storage import Role
from tests.bot import test_dashboard_browser as shared
from tests.bot.dashboard_helpers import PASSWORD, enlist
from tests.bot.test_dashboard_browser import CHROMIUM, shot, sign_in, sync_api

server, browser = shared.server, shared.browser  # the same `homeward serve` and Chromium

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
CSV_HEADER = (
    "case_id,kind,name,other_names,sex,birth_date,missing_date,missing_place,home_province,"
    "dialect,marks,description,status,police_case_number,dna_status,family_contact\n"
)


def photo_file(tmp_path: Path) -> Path:
    out = tmp_path / "child.jpg"
    image = Image.new("RGB", (240, 320), (230, 200, 170))
    for x in range(60, 180):
        for y in range(80, 200):
            image.putpixel((x, y), (120, 80, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    out.write_bytes(buffer.getvalue())
    return out


def csv_file(tmp_path: Path) -> Path:
    out = tmp_path / "registry.csv"
    out.write_text(
        CSV_HEADER + "BBH-2019-0412,family_seeking_child,李勇,勇勇;小勇,M,2015-03-02,2019-06-01,"
        "四川省成都市金牛区,四川,四川话,左脸有一块红色胎记,,found,,taken,\n"
        + "BBH-2020-1187,family_seeking_child,王小丽,丽丽,F,2016,2020-09-15,河南省周口市,"
        "河南,河南话,右手有一道疤,,,,,\n",
        encoding="utf-8",
    )
    return out


def test_a_lead_keeps_the_registry_from_the_dashboard(server, browser, engine, tmp_path):
    expect = sync_api.expect
    enlist(engine, "lena", Role.LEAD)
    laptop = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/dashboard/registry")
    sign_in(page, "lena", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Missing-child registry")

    page.locator("#add-entry").click()
    page.get_by_label("Case number", exact=True).fill("BBH-2019-0412")
    page.get_by_label("Name", exact=True).fill("李勇")
    page.get_by_label("Other names").fill("勇勇; 小勇")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Born").fill("2015-03-02")
    page.get_by_label("Missing since").fill("2019-06-01")
    page.get_by_label("Where missing").fill("四川省成都市金牛区")
    page.get_by_label("Home province").fill("四川")
    page.get_by_label("Marks").fill("左脸有一块红色胎记")
    page.get_by_label("Police case number").fill("川公刑 2019-118")
    page.get_by_label("Family contact").fill("母亲 138 0013 8000")
    page.locator("#e-photo").set_input_files(str(photo_file(tmp_path)))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Entry added")
    expect(page.locator("#family-contact")).to_have_text("****8000")
    expect(page.locator(".thumbs img")).to_have_count(1)

    page.locator("#edit-entry").click()
    page.get_by_label("Status", exact=True).select_option("found")
    shot(page, "registry-edit-en.png")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#entry-status")).to_have_text("Found")
    expect(page.locator("#entry-log")).to_contain_text("Status: Open → Found")
    page.get_by_label("Why do you need the family's contact?").fill("police asked")
    page.get_by_role("button", name="Show the contact").click()
    expect(page.locator("#family-contact")).to_contain_text("母亲 138 0013 8000")
    expect(page.locator("#entry-log")).to_contain_text("Reason: police asked")
    shot(page, "registry-entry-en.png")

    page.goto(f"{server}/dashboard/registry/import")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(csv_file(tmp_path)))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-preview")).to_contain_text("1 new entries, 1 updated.")
    shot(page, "registry-import-preview-en.png")
    page.locator("#confirm-import").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported: 1 new, 1 updated.")
    page.get_by_label("Name, pinyin or case number").fill("wang xiao")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#registry tbody tr")).to_have_count(1)
    page.goto(f"{server}/dashboard/registry")
    shot(page, "registry-list-en.png")
    laptop.close()

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/dashboard/login")
    page.get_by_label("用户名").fill("lena")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("button[type=submit]").last.click()
    page.goto(f"{server}/dashboard/registry")
    expect(page.get_by_role("heading", level=1)).to_have_text("失踪儿童登记")
    shot(page, "registry-list-zh-phone.png")
    page.goto(f"{server}/dashboard/registry/BBH-2019-0412")
    shot(page, "registry-entry-zh-phone.png")
    page.goto(f"{server}/dashboard/registry/BBH-2019-0412/edit")
    shot(page, "registry-edit-zh-phone.png")
    page.goto(f"{server}/dashboard/registry/import")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        csv_file(tmp_path).read_text(encoding="utf-8")
        + "BBH-2021-0001,family_seeking_kid,张三,,M,2015-13-01,,,,,,,,,,\n",
        encoding="utf-8",
    )
    page.locator("#csv-file").set_input_files(str(bad))
    page.locator("button.primary").click()
    expect(page.locator("#import-errors")).to_contain_text("第 4 行")
    shot(page, "registry-import-errors-zh-phone.png")
    page.locator("#csv-file").set_input_files(str(csv_file(tmp_path)))
    page.locator("button.primary").click()
    expect(page.locator("#import-preview")).to_contain_text("更新 2 条")
    shot(page, "registry-import-preview-zh-phone.png")
    for element in page.locator("main *").all():  # nothing wider than the phone
        box = element.bounding_box()
        if box:
            assert box["x"] + box["width"] <= 391, element.evaluate("e => e.outerHTML")[:200]
    page.get_by_role("button", name="English").click()
    page.goto(f"{server}/dashboard/registry")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missing-child registry")
    shot(page, "registry-list-en-phone.png")
    page.goto(f"{server}/dashboard/registry/BBH-2019-0412")
    shot(page, "registry-entry-en-phone.png")
    page.get_by_text("Remove…").click()  # two steps: open, then delete
    shot(page, "registry-entry-remove-photo-en-phone.png")
    page.get_by_role("button", name="Delete this photo").click()
    expect(page.get_by_role("status")).to_contain_text("Photo removed.")
    expect(page.locator(".thumbs img")).to_have_count(0)
    expect(page.locator("#entry-log")).to_contain_text("removed a photo")
    phone.close()
