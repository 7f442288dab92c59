"""The registry on the dashboard: coordinators read it, leads add, edit and import."""

from __future__ import annotations

import io
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import Session, select

from handlers.catalogue import catalogue
from storage import Alert, RegistryPhoto, Role, utcnow
from storage.alert_photos import photo_upload, remember_photo_upload, shows_photo
from storage.coordinators import find_coordinator
from storage.registry_log import RegistryAction, registry_events
from storage.registry_search import get_entry
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    latin,
    report_sighting,
    settings_for,
)
from tests.bot.telegram_helpers import make_services
from triage.alerts.publishing import publish_alert

HEADER = (
    "case_id,kind,name,other_names,sex,birth_date,missing_date,missing_place,home_province,"
    "dialect,marks,description,status,police_case_number,dna_status,family_contact\n"
)
NEW_ENTRY = {
    "case_id": "BBH-2019-0412",
    "kind": "family_seeking_child",
    "status": "open",
    "name": "李勇",
    "other_names": "勇勇; 小勇",
    "sex": "M",
    "birth_date": "2015-03-02",
    "missing_date": "2019-06-01",
    "missing_place": "四川省成都市金牛区",
    "home_province": "四川",
    "dialect": "四川话",
    "marks": "左脸有一块红色胎记",
    "description": "走失时穿蓝色外套",
    "police_case_number": "川公刑 2019-118",
    "dna_status": "taken",
    "family_contact": "母亲 138 0013 8000",
}


@pytest.fixture
def app(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake):
    settings = settings_for(database_url, secret_key, data_dir)
    svc = make_services(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        queue=queue,
        intake=intake,
    )
    return dashboard_app(svc, Clock())


def signed_in(app, engine, name: str, role: Role) -> DashboardUser:
    enlist(engine, name, role)
    user = DashboardUser(app, name)
    assert user.signs_in().status_code == 303
    return user


def uploads(user: DashboardUser, path: str, files: dict, **fields: str):
    """POST a form with a file, as the page's multipart form would."""
    if not user.token:
        user.opens("/registry")
    return user.client.post(f"/dashboard{path}", data={"csrf": user.token, **fields}, files=files)


def a_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 140, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_lead_adds_an_entry_with_a_photo_and_a_coordinator_reads_it(app, engine, cipher):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)

    form = lena.opens("/registry/new")
    assert form.status_code == 200 and 'name="family_contact"' in form.text
    response = uploads(
        lena, "/registry/new", {"photo": ("child.jpg", a_photo(), "image/jpeg")}, **NEW_ENTRY
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/registry/BBH-2019-0412"

    page = carol.opens("/registry/BBH-2019-0412").text
    assert "李勇" in page and "川公刑 2019-118" in page and "****8000" in page
    assert "138 0013 8000" not in page
    assert "edit-entry" not in page  # coordinators read only
    with Session(engine) as session:
        photo = session.exec(select(RegistryPhoto)).one()
    image = carol.opens(f"/registry/BBH-2019-0412/photos/{photo.id}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert b"PhoneMaker" not in Path(photo.stored_path).read_bytes()
    assert not Image.open(io.BytesIO(image.content)).getexif()

    listed = carol.opens("/registry", q="li yong").text
    assert "BBH-2019-0412" in listed and "add-entry" not in listed
    assert "BBH-2019-0412" not in carol.opens("/registry", status="reunited").text


def test_a_coordinator_cannot_add_edit_or_import(app, engine, cipher):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)

    assert carol.opens("/registry/new").status_code == 403
    assert carol.opens("/registry/BBH-2019-0412/edit").status_code == 403
    refused = uploads(
        carol, "/registry/BBH-2019-0412/edit", {}, **{**NEW_ENTRY, "status": "closed"}
    )
    assert refused.status_code == 403
    assert carol.opens("/registry/import").status_code == 403
    with Session(engine) as session:
        assert get_entry(session=session, case_id="BBH-2019-0412").status == "open"


def test_a_lead_edits_and_the_log_says_who_changed_what(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)

    edited = uploads(
        lena,
        "/registry/BBH-2019-0412/edit",
        {},
        **{**NEW_ENTRY, "status": "reunited", "family_contact": ""},
    )
    assert edited.status_code == 303
    page = lena.follow(edited).text
    assert "修改了这条登记" in page and "寻找中 → 已团圆" in page
    with Session(engine) as session:
        entry = get_entry(session=session, case_id="BBH-2019-0412")
        events = registry_events(session=session, entry_id=entry.id)
    assert [(e.actor, e.action) for e in events] == [("lena", "added"), ("lena", "edited")]
    assert events[-1].detail == {"changed": {"status": ["open", "reunited"]}}

    bad = uploads(
        lena, "/registry/BBH-2019-0412/edit", {}, **{**NEW_ENTRY, "birth_date": "2015-13-01"}
    )
    assert (
        bad.status_code == 400
        and "“出生日期”：“2015-13-01”不是日期，请写成 YYYY-MM-DD，或只写年份。" in bad.text
    )


def test_revealing_the_family_contact_takes_a_reason_and_is_logged(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)

    assert carol.posts("/registry/BBH-2019-0412/reveal", reason="").status_code == 400
    shown = carol.posts("/registry/BBH-2019-0412/reveal", reason="police asked")
    assert shown.status_code == 200 and "母亲 138 0013 8000" in shown.text
    assert "查看了家属联系方式" in shown.text and "原因：police asked" in shown.text


def test_an_import_is_previewed_and_a_bad_line_imports_nothing(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)
    rows = (
        HEADER
        + "BBH-2019-0412,family_seeking_child,李勇,,M,2015-03-02,2019-06-01,,四川,,,,found,,,\n"
        + "BBH-2020-1187,family_seeking_child,王小丽,丽丽,F,2016,2020-09-15,,河南,,,,,,,\n"
    )
    bad = rows + "BBH-2021-0001,family_seeking_kid,张三,,M,,,,,,,,,,,\n"

    refused = uploads(lena, "/registry/import", {"file": ("r.csv", bad.encode(), "text/csv")})
    assert (
        refused.status_code == 400
        and "第 4 行： “寻找类型”：“family_seeking_kid”不是可填的值（family_seeking_child, child_seeking_family）。"
        in refused.text
    )
    assert "confirm-import" not in refused.text

    preview = uploads(lena, "/registry/import", {"file": ("r.csv", rows.encode(), "text/csv")})
    assert preview.status_code == 200 and "新增 1 条，更新 1 条" in preview.text
    with Session(engine) as session:
        assert get_entry(session=session, case_id="BBH-2020-1187") is None  # not yet

    token = preview.text.split('name="token" value="')[1].split('"')[0]
    done = lena.posts("/registry/import/confirm", token=token)
    assert done.status_code == 303
    with Session(engine) as session:
        assert get_entry(session=session, case_id="BBH-2020-1187") is not None
        assert get_entry(session=session, case_id="BBH-2019-0412").status == "found"
    assert lena.posts("/registry/import/confirm", token=token).status_code == 400  # used up


def test_registry_pages_are_all_chinese_on_a_chinese_page(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)
    for path in (
        "/registry",
        "/registry/BBH-2019-0412",
        "/registry/BBH-2019-0412/edit",
        "/registry/new",
        "/registry/import",
    ):
        page = lena.opens(path).text
        leftovers = [
            line
            for line in latin(page)
            if not any(
                ok in line
                for ok in (
                    "BBH-",
                    "lena",
                    "UTF-8",
                    "homeward registry import",
                    "status",
                    "wang",
                    "wxm",
                )
            )
        ]
        assert leftovers == [], (path, leftovers)


def test_an_entry_added_on_the_dashboard_is_matched_to_an_open_tip_at_once(app, engine, tipster):
    ref = report_sighting(tipster)  # 李勇, a boy of five or six, a birthmark on his left cheek
    lena = signed_in(app, engine, "lena", Role.LEAD)
    uploads(lena, "/registry/new", {}, **NEW_ENTRY)

    page = lena.opens("/registry/BBH-2019-0412").text
    assert f'href="/dashboard/tips/{ref}"' in page and "待核对" in page


def test_a_photo_larger_than_a_form_may_be_is_taken_but_only_on_the_registry_forms(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    noise = Image.frombytes("RGB", (400, 400), random.Random(7).randbytes(400 * 400 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > 64 * 1024
    added = uploads(
        lena, "/registry/new", {"photo": ("big.png", out.getvalue(), "image/png")}, **NEW_ENTRY
    )
    assert added.status_code == 303
    refused = uploads(
        lena,
        "/registry/BBH-2019-0412/reveal",
        {"photo": ("big.png", out.getvalue(), "image/png")},
        reason="x",
    )
    assert refused.status_code == 413


def test_every_action_an_entry_log_records_has_words_in_both_languages():
    for language in ("zh_CN", "en"):
        missing = [
            a for a in RegistryAction if not catalogue().has(language, f"registry.event.{a.value}")
        ]
        assert missing == [], language


def test_a_lead_removes_a_photo_and_an_alert_showing_it_goes_on_without_it(app, engine):
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)
    uploads(lena, "/registry/new", {"photo": ("child.jpg", a_photo(), "image/jpeg")}, **NEW_ENTRY)
    with Session(engine) as session:
        photo = session.exec(select(RegistryPhoto)).one()
        entry = get_entry(session=session, case_id="BBH-2019-0412")
        alert, _ = publish_alert(
            session=session,
            case_id=entry.case_id,
            coordinator=find_coordinator(session=session, name="lena"),
            name="lena",
            consent="the mother agreed by phone, photo included",
            photo=True,
            now=utcnow(),
            tz=ZoneInfo("Asia/Shanghai"),
        )
        remember_photo_upload(
            session=session, alert_id=alert.id, platform="telegram", ref="F1", now=utcnow()
        )
        session.commit()
        alert_id, stored = alert.id, Path(photo.stored_path)
    remove = f"/registry/BBH-2019-0412/photos/{photo.id}/remove"
    assert f'action="/dashboard{remove}"' not in carol.opens("/registry/BBH-2019-0412").text
    assert f'action="/dashboard{remove}"' in lena.opens("/registry/BBH-2019-0412").text

    assert carol.posts(remove).status_code == 403
    assert stored.is_file()
    done = lena.posts(remove)
    assert done.status_code == 303
    page = lena.follow(done).text
    assert "照片已删除。" in page and "还没有照片。" in page
    assert "lena</span><br>删除了一张照片" in page
    assert not stored.exists()
    assert carol.opens(f"/registry/BBH-2019-0412/photos/{photo.id}").status_code == 404
    with Session(engine) as session:
        assert session.exec(select(RegistryPhoto)).all() == []
        alert = session.get(Alert, alert_id)
        assert alert.closed_at is None and not shows_photo(alert)
        assert photo_upload(session=session, alert_id=alert_id, platform="telegram") is None
        log = registry_events(session=session, entry_id=alert.entry_id)
    assert (log[-1].actor, log[-1].action, log[-1].detail) == (
        "lena",
        RegistryAction.PHOTO_REMOVED,
        {"photo_id": photo.id},
    )
    assert lena.posts(remove).status_code == 404  # already gone


def test_an_import_says_what_is_wrong_in_the_readers_language(app, engine):
    row = "BBH-2020-1187,family_seeking_child,王小丽,,F,{born},2020-09-15,,河南,,,,{status},,,\n"
    bad = HEADER + "".join(
        row.format(born=born, status=status)
        for born, status in (("0000", ""), ("2016", ""), ("2016", ""), ("2016", "lost"))
    )
    wang = signed_in(app, engine, "wang", Role.LEAD)
    lena = signed_in(app, engine, "lena", Role.LEAD)
    lena.client.headers["accept-language"] = "en"

    chinese = uploads(wang, "/registry/import", {"file": ("r.csv", bad.encode(), "text/csv")})
    english = uploads(lena, "/registry/import", {"file": ("r.csv", bad.encode(), "text/csv")})
    columns = uploads(lena, "/registry/import", {"file": ("r.csv", b"case_id,name\n", "text/csv")})

    assert chinese.status_code == english.status_code == columns.status_code == 400
    for said in (
        "第 2 行： “出生日期”：“0000”不是日期，请写成 YYYY-MM-DD，或只写年份。",
        "第 4 行： 案件编号 BBH-2020-1187 在第 3 行也出现了。",
        "第 5 行： “状态”：“lost”不是可填的值（open, found, reunited, closed）。",
    ):
        assert said in chinese.text, said
    assert "is not" not in chinese.text and "repeats" not in chinese.text
    for said in (
        "Line 2: “Born”: “0000” is not a date; write YYYY-MM-DD, or the year alone.",
        "Line 4: Case number BBH-2020-1187 is on line 3 too.",
        "Line 5: “Status”: “lost” is not one of open, found, reunited, closed.",
    ):
        assert said in english.text, said
    assert "Line 1: The file lacks the column(s) kind, other_names, sex" in columns.text
