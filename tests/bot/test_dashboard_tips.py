"""Coordinators work tips in the dashboard: the queue, a tip's page, its actions, the overview."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PIL import Image
from sqlmodel import Session, select

from storage import Attachment, OutboxItem, Report, ReportKind, ReportStatus, Role, session_scope
from storage.reports import get_report
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    report_sighting,
    report_with_pin,
    settings_for,
)
from tests.bot.telegram_helpers import make_services
from tests.stories import Tipster
from tests.triage.coordinators import event_log, keyed_at_the_terminal, tip
from triage.workflow import CLOSE_REASONS

DASHBOARD = Path(__file__).parents[2] / "bot" / "dashboard"
LOCALES = Path(__file__).parents[2] / "handlers" / "locales"
CATALOGUES = ("en/LC_MESSAGES/homeward.po", "zh_CN/LC_MESSAGES/homeward.po", "homeward.pot")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake, clock):
    settings = settings_for(database_url, secret_key, data_dir)
    svc = make_services(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        queue=queue,
        intake=intake,
    )
    return dashboard_app(svc, clock)


@pytest.fixture
def alice(app, engine) -> DashboardUser:
    enlist(engine, "alice")
    user = DashboardUser(app, "alice")
    user.client.headers["accept-language"] = "en"
    user.signs_in()
    return user


@pytest.fixture
def bob(app, engine) -> DashboardUser:
    enlist(engine, "bob")
    user = DashboardUser(app, "bob")
    user.client.headers["accept-language"] = "en"
    user.signs_in()
    return user


def refs_in(html: str) -> list[str]:
    return re.findall(r'data-ref="(HW-[^"]+)"', html)


def flash_text(user: DashboardUser, response) -> str:
    return user.follow(response).text


def test_the_queue_lists_open_tips_on_top_then_unassessed_then_urgent(
    alice, tipster, english_tipster, intake, engine
):
    chinese = report_sighting(tipster)
    english = report_with_pin(english_tipster)
    waiting = report_sighting(Tipster(intake, user_id="tipster-2", language_hint="zh-hans"))
    with session_scope(engine) as session:
        for ref, urgency, imminent in ((chinese, 40, False), (english, 10, True)):
            report = get_report(session=session, ref=ref)
            assert report is not None
            report.urgency, report.imminent = urgency, imminent
            report.top_until = report.created_at + timedelta(hours=72) if imminent else None
            report.escalated_at = report.created_at + timedelta(minutes=15) if imminent else None
            session.add(report)

    page = alice.opens("/")

    assert refs_in(page.text) == [english, waiting, chinese]
    assert "Imminent" in page.text and "New <strong>3</strong>" in page.text
    assert "not assessed yet" in page.text
    assert page.text.count("escalated to leads") == 1  # imminent, unclaimed: the leads were told
    assert "on top of the queue until" in page.text
    assert refs_in(alice.opens("/queue/rows").text) == [english, waiting, chinese]
    assert "<html" not in alice.opens("/queue/rows").text


def test_filters_narrow_the_queue(alice, bob, tipster, english_tipster, clock):
    chinese = report_sighting(tipster)
    english = report_with_pin(english_tipster)
    bob.claims(english)
    today = clock.now.date().isoformat()

    assert refs_in(alice.opens("/", kind="sighting").text) == [chinese, english]
    assert refs_in(alice.opens("/", dialect="cantonese").text) == [chinese]
    assert refs_in(alice.opens("/", status="in_review").text) == [english]
    assert refs_in(alice.opens("/", attachments="1").text) == [chinese]
    assert refs_in(bob.opens("/", mine="1").text) == [english]
    assert refs_in(alice.opens("/", mine="1").text) == []
    assert len(refs_in(alice.opens("/", province="四川", **{"from": today}).text)) == 2
    assert refs_in(alice.opens("/", to="2020-01-01").text) == []
    assert refs_in(alice.opens("/queue/rows", dialect="minnan").text) == [english]


def test_searching_by_reference_code_opens_the_tip(alice, tipster):
    ref = report_sighting(tipster)

    found = alice.opens("/search", ref=ref.lower().replace("-", " "))
    bare = alice.opens("/search", ref=ref[3:].replace("-", ""))
    missing = alice.opens("/search", ref="HW-2222-22")

    assert found.headers["location"] == bare.headers["location"] == f"/dashboard/tips/{ref}"
    assert "No tip has the reference code HW-2222-22" in alice.follow(missing).text


def test_a_tip_page_shows_the_fields_the_answers_verbatim_and_masks_the_phone(alice, tipster):
    ref = report_sighting(tipster)

    page = alice.opens(f"/tips/{ref}").text

    for fragment in (
        "四川省成都市火车北站附近的小卖部",
        "小宝、狗娃",
        "李勇",
        "胎记",
        "白色面包车",
        "Cantonese",
        "Seems afraid",
        "3天前",
        "+86138****8000",
        "not downloaded yet",
    ):
        assert fragment in page, fragment
    assert "13800138000" not in page
    assert "submitted the tip" in page  # the timeline


def test_a_location_is_drawn_offline_with_a_link_to_a_real_map(alice, english_tipster):
    ref = report_with_pin(english_tipster)

    page = alice.opens(f"/tips/{ref}").text

    assert "30.65860, 104.06480" in page and 'class="pin"' in page
    assert "openstreetmap.org/?mlat=30.65860&amp;mlon=104.06480" in page
    assert not re.search(r'<(img|script|link)[^>]+(src|href)="https?://', page)


def test_an_export_carries_the_exact_point_only_with_a_reason(alice, english_tipster):
    ref = report_with_pin(english_tipster)

    plain = json.loads(alice.posts(f"/tips/{ref}/export", format="json").text)
    reasoned = json.loads(
        alice.posts(
            f"/tips/{ref}/export", format="json", include_identity="1", reason="police asked"
        ).text
    )

    assert plain["place"]["latitude"] == 30.66 and plain["place"]["exact"] is None
    assert "30.6586" not in json.dumps(plain)
    assert reasoned["place"]["exact"] == {"latitude": 30.6586, "longitude": 104.0648}


def test_claim_note_ask_status_and_refer_from_the_tip_page(alice, bob, tipster, engine):
    ref = report_sighting(tipster)

    assert "You claimed this tip" in flash_text(alice, alice.claims(ref))
    assert "is already claimed by someone else" in flash_text(bob, bob.claims(ref))
    alice.notes(ref, "Matches a pattern seen in Yunnan")
    alice.asks(ref, "What colour was the van's plate?")
    refused = alice.sets_status(ref, "closed")
    assert "closing needs a reason" in flash_text(alice, refused)
    alice.sets_status(ref, "verified", reason="seen by two neighbours")
    alice.posts(f"/tips/{ref}/refer", kind="police", to_whom="成都市公安局", reference="CD-2026-1")

    page = alice.opens(f"/tips/{ref}").text
    assert "Matches a pattern seen in Yunnan" in page
    assert "What colour was the van&#39;s plate?" in page and "waiting to be sent" in page
    assert "成都市公安局" in page and 'id="tip-status">Referred' in page
    assert [action for actor, action in event_log(engine, ref) if actor == "alice"] == [
        "claimed",
        "status_changed",
        "note_added",
        "asked_tipster",
        "status_changed",
        "status_changed",
        "referred",
    ]
    with Session(engine) as session:
        assert session.exec(select(OutboxItem).where(OutboxItem.job == "relay_to_tipster")).one()


def test_a_refusal_reads_in_each_coordinators_own_language(app, engine, alice, tipster):
    ref = report_sighting(tipster)
    enlist(engine, "wang")
    wang = DashboardUser(app, "wang")  # no language chosen: the dashboard's Chinese
    wang.signs_in()
    alice.claims(ref)

    assert f"未完成：{ref} 已被其他协调员认领" in flash_text(wang, wang.claims(ref))
    english = flash_text(alice, alice.sets_status(ref, "closed"))
    alice.posts("/language", lang="zh_CN", back="/dashboard/")
    chinese = flash_text(alice, alice.sets_status(ref, "closed"))

    assert (
        "closing needs a reason: resolved, unfounded, duplicate, or no action possible" in english
    )
    assert "未完成：结案需要选择原因：已解决、查无实据、重复或无法处理" in chinese
    assert "workflow." not in english + chinese  # never a bare catalogue key


def test_closing_with_a_reason_and_releasing(alice, tipster, engine):
    ref = report_sighting(tipster)
    alice.claims(ref)
    alice.posts(f"/tips/{ref}/release")
    assert tip(engine, ref).claimed_by_id is None
    alice.claims(ref)

    alice.sets_status(ref, "closed", close_reason="duplicate", reason="same as another tip")

    assert tip(engine, ref).status == "closed" and tip(engine, ref).close_reason == "duplicate"
    assert ref not in refs_in(alice.opens("/").text)


def test_export_downloads_a_package_without_identity_unless_a_reason_is_given(
    alice, tipster, engine
):
    ref = report_sighting(tipster)

    as_json = alice.posts(f"/tips/{ref}/export", format="json")
    as_csv = alice.posts(f"/tips/{ref}/export", format="csv")
    no_reason = alice.posts(f"/tips/{ref}/export", format="json", include_identity="1")
    with_reason = alice.posts(
        f"/tips/{ref}/export", format="json", include_identity="1", reason="police asked"
    )

    assert as_json.headers["content-disposition"] == f'attachment; filename="{ref}.json"'
    package = json.loads(as_json.text)
    assert package["ref"] == ref and package["contact"]["phone"] is None
    assert (
        as_csv.content.startswith(b"\xef\xbb\xbfField,Value") and "13800138000" not in as_csv.text
    )
    assert "needs a reason" in flash_text(alice, no_reason)
    assert json.loads(with_reason.text)["contact"]["phone"] == "+8613800138000"
    assert [a for _, a in event_log(engine, ref)].count("exported") == 3


def test_revealing_the_contact_needs_a_reason_and_is_recorded(alice, tipster, engine):
    ref = report_sighting(tipster)

    refused = alice.posts(f"/tips/{ref}/reveal", reason=" ")
    shown = alice.posts(f"/tips/{ref}/reveal", reason="the police need to call back")

    assert refused.status_code == 400 and "13800138000" not in refused.text
    assert shown.status_code == 200 and "+8613800138000" in shown.text
    assert ("alice", "contact_revealed") in event_log(engine, ref)


def test_a_hotline_tip_says_why_it_cant_be_asked_and_takes_a_callback_arrangement(
    alice, tipster, engine
):
    ref = keyed_at_the_terminal(engine, report_sighting(tipster))

    page = alice.opens(f"/tips/{ref}").text
    saved = alice.posts(f"/tips/{ref}/callback", callback="Call 138 0013 8000 after 8pm")
    after = alice.opens(f"/tips/{ref}").text
    revealed = alice.posts(f"/tips/{ref}/reveal", reason="calling back").text

    assert 'id="ask-impossible"' in page and 'id="ask-tipster"' not in page
    assert f"{ref} came by the hotline; there is no channel to ask back" in page
    assert saved.status_code == 303 and "Callback arrangement saved" in after
    assert "Call 138****8000 after 8pm" in after and "0013 8000" not in after
    assert "Call 138 0013 8000 after 8pm" in revealed
    assert ("alice", "callback_recorded") in event_log(engine, ref)


def test_a_chat_tip_offers_the_question_form(alice, tipster):
    page = alice.opens(f"/tips/{report_sighting(tipster)}").text
    assert 'id="ask-tipster"' in page and 'id="ask-impossible"' not in page


def test_attachments_are_served_only_from_the_media_directory(
    alice, app, tipster, engine, data_dir
):
    ref = report_sighting(tipster)
    media = data_dir / "media"
    media.mkdir()
    image = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(image, format="JPEG")
    (media / "photo").write_bytes(image.getvalue())
    outside = data_dir / "secret.txt"
    outside.write_text("not for coordinators")
    with session_scope(engine) as session:
        attachment = session.exec(select(Attachment)).one()
        attachment.stored_path = str(media / "photo")
        session.add(attachment)
        session.add(
            Attachment(
                report_id=attachment.report_id,
                channel="telegram",
                media_type="document",
                channel_ref="x",
                stored_path=str(outside),
            )
        )
    page = alice.opens(f"/tips/{ref}").text

    thumb = alice.opens("/attachments/1/thumb")
    full = alice.opens("/attachments/1")

    assert 'src="/dashboard/attachments/1/thumb"' in page
    assert thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 240)
    assert full.content == image.getvalue() and "sandbox" in full.headers["content-security-policy"]
    assert alice.opens("/attachments/2").status_code == 404
    assert DashboardUser(app).opens("/attachments/1").status_code == 303


def test_an_encrypted_attachment_is_served_decrypted(alice, tipster, engine, data_dir, cipher):
    report_sighting(tipster)
    media = data_dir / "media"
    media.mkdir()
    image = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(image, format="PNG")
    (media / "sealed").write_bytes(cipher.encrypt_file(image.getvalue()))
    with session_scope(engine) as session:
        attachment = session.exec(select(Attachment)).one()
        attachment.stored_path, attachment.encrypted = str(media / "sealed"), True
        session.add(attachment)

    full = alice.opens("/attachments/1")

    assert full.headers["content-type"] == "image/png" and full.content == image.getvalue()


def test_the_overview_counts_tips_and_the_median_time_to_first_review(
    alice, tipster, english_tipster, engine
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    alice.claims(first)
    with session_scope(engine) as session:  # as if the tip had waited two hours for review
        report = session.exec(select(Report).where(Report.ref == first)).one()
        report.created_at -= timedelta(hours=2)
        session.add(report)

    page = alice.opens("/overview", days="7").text

    assert 'id="stat-total">2<' in page
    assert page.count('<svg class="chart"') == 2  # columns: per day; outcomes per month
    assert page.count('<ol class="hbars"') == 2 and "四川" in page  # bars: status, province
    assert 'id="stat-median">2 h 0 min<' in page and "over 1 reviewed tips" in page
    assert second not in page and first not in page  # figures only, no tips


def test_every_page_renders_in_chinese_and_english_without_missing_text(alice, tipster, caplog):
    ref = report_sighting(tipster)
    caplog.set_level(logging.WARNING)
    for language in ("zh_CN", "en"):
        alice.posts("/language", lang=language, back="/dashboard/")
        for path in ("/", f"/tips/{ref}", "/overview", "/login"):
            assert alice.opens(path).status_code == 200
    assert "catalogue key missing" not in caplog.text


def dashboard_keys(path: Path) -> set[str]:
    with path.open("rb") as handle:
        po = read_po(handle)
    return {
        str(m.id)
        for m in po
        if str(m.id).startswith("dashboard.") and (m.string or path.suffix == ".pot")
    }


def test_every_text_the_dashboard_uses_is_in_both_catalogues_and_the_template():
    groups = (
        "app|nav|value|login|error|queue|search|field|tip|reveal|actions|action|done|overview|admin"
    )
    used = {f"dashboard.error.role.{role.value}" for role in Role}
    used |= {f"dashboard.status.{s.value}" for s in ReportStatus}
    used |= {f"dashboard.kind.{k.value}" for k in ReportKind}
    used |= {f"dashboard.close.{reason}" for reason in CLOSE_REASONS}
    used |= {f"dashboard.role.{role.value}" for role in Role}
    for source in [*DASHBOARD.glob("templates/*.html"), *DASHBOARD.glob("*.py")]:
        for key in re.findall(rf"""["']((?:{groups})\.[a-z_.]+)["']""", source.read_text()):
            if not key.endswith(".html"):
                used.add(f"dashboard.{key}")

    english, chinese, template = (dashboard_keys(LOCALES / name) for name in CATALOGUES)

    assert used <= english
    assert english == chinese == template


def test_the_dashboard_works_for_admins_and_leads_too(app, engine, tipster):
    ref = report_sighting(tipster)
    enlist(engine, "ada", Role.ADMIN)
    ada = DashboardUser(app, "ada")
    ada.signs_in()
    assert ada.claims(ref).status_code == 303
    assert "Coordinators" in ada.opens("/admin").text or "协调员" in ada.opens("/admin").text


def test_a_lead_blocks_the_tipster_from_the_tip_page_and_lifts_the_block(
    app, engine, tipster, alice
):
    ref = report_sighting(tipster)
    enlist(engine, "lee", Role.LEAD)
    lee = DashboardUser(app, "lee")
    lee.client.headers["accept-language"] = "en"
    lee.signs_in()
    assert 'id="block"' not in alice.opens(f"/tips/{ref}").text  # leads only
    assert alice.posts(f"/tips/{ref}/block", reason="abuse").status_code == 403
    assert 'id="block"' in lee.opens(f"/tips/{ref}").text
    refused = lee.posts(f"/tips/{ref}/block", reason="")
    assert "blocking a tipster needs a reason" in flash_text(lee, refused)

    blocked = lee.posts(f"/tips/{ref}/block", reason="forty false reports in an hour")
    assert "The tipster is blocked." in flash_text(lee, blocked)
    tipster.says("你们都是骗子")
    assert tipster.text == "谢谢，你的消息已收到。"
    page = lee.opens(f"/tips/{ref}").text
    assert "Blocked since" in page and "forty false reports in an hour" in page
    assert "你们都是骗子" in page and "sent while blocked" in page and 'id="unblock"' in page
    assert "13800138000" not in page  # blocking shows nobody who the tipster is

    lifted = lee.posts(f"/tips/{ref}/unblock")
    assert "The block is lifted." in flash_text(lee, lifted)
    assert [a for _, a in event_log(engine, ref) if "block" in a] == [
        "tipster_blocked",
        "tipster_unblocked",
    ]
    assert tipster.says("你好") and tipster.text != "谢谢，你的消息已收到。"
