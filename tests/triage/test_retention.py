"""Retention: what the sweeper deletes with the clock moved on, and a tipster's /delete."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from storage import Attachment, Conversation, Delivery, PurgeRecord, Report, utcnow
from storage.locations import open_point
from tests.fakes.videos import MDAT_PAYLOAD, mp4_with_location
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, tip
from tests.triage.test_workflow import submit
from triage import Retention, sweep


def kept_in_the_clear(engine, path: Path, media_type: str) -> None:
    """A stored file of the only report, written as it came (not encrypted)."""
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
        session.add(
            Attachment(
                report_id=report.id,
                channel="telegram",
                media_type=media_type,
                channel_ref="f1",
                stored_path=str(path),
            )
        )
        session.commit()


def test_a_tipster_deletes_their_data(english_tipster, engine):
    ref, _ = submit(english_tipster, phone="138 0013 8000")
    english_tipster.says("/delete")
    english_tipster.taps("No, keep it")
    assert "Nothing was deleted" in english_tipster.text
    english_tipster.says("/delete")
    english_tipster.taps("Yes, delete my data")
    assert "no longer linked to you" in english_tipster.text
    report = tip(engine, ref)
    assert (
        report.contact_phone is None and report.tipster_ref is None and report.tipster_key is None
    )
    with Session(engine) as session:
        assert session.exec(select(Conversation)).one().user_ref == ""
        # Only the confirmation itself is remembered (to answer a re-delivery the same way).
        remaining = session.exec(select(Delivery)).all()
        assert len(remaining) == 1 and remaining[0].delivery_key == english_tipster.last_delivery
        assert session.exec(select(PurgeRecord)).one().detail == {"reports": [ref]}
        assert "13800138000" not in report.model_dump_json()


def test_closed_tips_and_their_files_are_purged_after_the_retention_period(
    tipster, engine, queue, config, tmp_path
):
    ref, _ = submit(tipster)
    lead = CoordinatorActor(engine, "lee")
    lead.claims(ref)
    lead.sets_status(ref, "closed", close_reason="unfounded")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    kept_in_the_clear(engine, photo, "photo")
    retention = Retention(closed_reports=timedelta(days=365), attachments=timedelta(days=30))

    soon = sweep(
        engine,
        queue,
        draft_ttl=config.draft_ttl,
        retention=retention,
        now=utcnow() + timedelta(days=10),
    )
    assert (soon.attachments_purged, soon.reports_purged) == (0, 0)
    later = sweep(
        engine,
        queue,
        draft_ttl=config.draft_ttl,
        retention=retention,
        now=utcnow() + timedelta(days=31),
    )
    assert later.attachments_purged == 1 and not photo.exists()
    much_later = sweep(
        engine,
        queue,
        draft_ttl=config.draft_ttl,
        retention=retention,
        now=utcnow() + timedelta(days=400),
    )
    assert much_later.reports_purged == 1
    with Session(engine) as session:
        assert session.exec(select(Report)).all() == []
        records = {r.what: r for r in session.exec(select(PurgeRecord))}
    assert records["closed_reports"].detail == {"reports": [ref]}
    assert records["attachments"].count == 1


def test_open_tips_are_never_purged(tipster, engine, queue, config):
    submit(tipster)
    result = sweep(engine, queue, draft_ttl=config.draft_ttl, now=utcnow() + timedelta(days=4000))
    assert result.reports_purged == 0
    with Session(engine) as session:
        assert len(session.exec(select(Report)).all()) == 1


def stored_replies(engine, cipher) -> str:
    """Every reply kept for re-deliveries, decrypted (what the database and the key give away)."""
    with Session(engine) as session:
        return "\n".join(cipher.decrypt(d.replies) for d in session.exec(select(Delivery)))


def test_a_receipts_pin_is_kept_only_while_a_redelivery_may_need_it(
    english_tipster, engine, queue, config, cipher
):
    ref, pin = submit(english_tipster)
    retention = Retention(receipt_pins=timedelta(minutes=10))

    soon = sweep(
        engine, queue, draft_ttl=config.draft_ttl, retention=retention,
        now=utcnow() + timedelta(minutes=5),
    )  # fmt: skip
    assert soon.receipts_redacted == 0
    assert f"PIN: {pin}" in "\n".join(r.text for r in english_tipster.is_redelivered())

    later = sweep(
        engine, queue, draft_ttl=config.draft_ttl, retention=retention,
        now=utcnow() + timedelta(minutes=11),
    )  # fmt: skip
    assert later.receipts_redacted == 1
    again = english_tipster.is_redelivered()
    assert "were already shown" in english_tipster.text and len(again) == 1
    assert pin not in english_tipster.text and ref not in english_tipster.text
    assert pin not in stored_replies(engine, cipher) and ref not in stored_replies(engine, cipher)
    english_tipster.says("/start")  # the conversation goes on
    assert english_tipster.step is not None


def test_a_receipt_in_chinese_is_redacted_in_chinese(tipster, engine, queue, config, cipher):
    submit(tipster)
    sweep(
        engine, queue, draft_ttl=config.draft_ttl, now=utcnow() + timedelta(days=1),
    )  # fmt: skip
    tipster.is_redelivered()
    assert "已经" in tipster.text and "密码" in tipster.text


def with_draft(engine, draft: dict[str, object]) -> int:
    """Give the newest conversation a draft begun before points were encrypted; its id."""
    with Session(engine) as session:
        conversation = session.exec(select(Conversation).order_by(Conversation.id.desc())).first()
        conversation.state = {**conversation.state, "draft": draft}
        session.add(conversation)
        session.commit()
        return conversation.id


def sealed_twice(engine, queue, config, cipher) -> tuple[int, int]:
    """The locations two sweeps in a row seal."""
    first = sweep(engine, queue, draft_ttl=config.draft_ttl, cipher=cipher)
    again = sweep(engine, queue, draft_ttl=config.draft_ttl, cipher=cipher)
    return first.locations_sealed, again.locations_sealed


def test_exact_locations_stored_in_the_clear_are_sealed_by_the_sweeper(
    english_tipster, engine, queue, config, cipher
):
    ref, _ = submit(english_tipster)
    with Session(engine) as session:  # a tip stored before points were encrypted
        report = session.exec(select(Report)).one()
        report.latitude, report.longitude, report.exact_location = 25.04321, 102.71234, None
        report.answers = {
            **report.answers,
            "where": {"text": None, "lat": 25.04321, "lon": 102.71234},
        }
        session.add(report)
        session.commit()

    unfinished = Tipster(english_tipster.intake, user_id="halfway", language_hint="en")
    unfinished.says("/start")
    unfinished.taps("other")
    unfinished.taps("continue")
    halfway = with_draft(engine, {"where": {"text": None, "lat": 23.12345, "lon": 113.26789}})

    assert sealed_twice(engine, queue, config, cipher) == (2, 0)
    with Session(engine) as session:
        where = session.get(Conversation, halfway).state["draft"]["where"]
    assert (where["lat"], where["lon"]) == (23.12, 113.27)
    assert open_point(cipher, where["enc"]) == (23.12345, 113.26789)
    report = tip(engine, ref)
    assert (report.latitude, report.longitude) == (25.04, 102.71)
    assert open_point(cipher, report.exact_location) == (25.04321, 102.71234)
    assert (
        "25.04321" not in report.model_dump_json() and "102.71234" not in report.model_dump_json()
    )


def test_home_pins_stored_in_the_clear_are_sealed_by_the_sweeper(
    english_tipster, engine, queue, config, cipher
):
    """A missing child's home shared as a pin is a family's address: sealed like the place."""
    ref, _ = submit(english_tipster)
    home = {"text": None, "lat": 30.65432, "lon": 104.06789, "province": "四川", "city": "成都市"}
    with Session(engine) as session:  # a tip stored before points were encrypted
        report = session.exec(select(Report)).one()
        report.answers = {**report.answers, "home": home}
        session.add(report)
        session.commit()
    unfinished = Tipster(english_tipster.intake, user_id="halfway", language_hint="en")
    unfinished.says("/start")
    halfway = with_draft(engine, {"home": home})

    assert sealed_twice(engine, queue, config, cipher) == (2, 0)
    with Session(engine) as session:
        drafted = session.get(Conversation, halfway).state["draft"]["home"]
    stored = tip(engine, ref).answers["home"]
    for sealed in (drafted, stored):
        assert (sealed["lat"], sealed["lon"]) == (30.65, 104.07)
        assert open_point(cipher, sealed["enc"]) == (30.65432, 104.06789)
    assert "30.65432" not in tip(engine, ref).model_dump_json()


def test_files_stored_in_the_clear_are_stripped_and_encrypted_by_the_sweeper(
    english_tipster, engine, queue, config, cipher, tmp_path
):
    submit(english_tipster)
    video = mp4_with_location(25.0432, 102.7123)
    plain = tmp_path / "media" / "old-video"
    plain.parent.mkdir()
    plain.write_bytes(video)
    kept_in_the_clear(engine, plain, "video")  # as files were kept before they were encrypted

    first = sweep(engine, queue, draft_ttl=config.draft_ttl, cipher=cipher)
    again = sweep(engine, queue, draft_ttl=config.draft_ttl, cipher=cipher)

    assert (first.files_sealed, again.files_sealed) == (1, 0)
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    assert attachment.encrypted and not plain.exists()
    kept = cipher.decrypt_file(Path(attachment.stored_path or "").read_bytes())
    assert MDAT_PAYLOAD in kept and b"+25.0432" not in kept
