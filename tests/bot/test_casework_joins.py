"""Casework joined up: a case's outcome recorded on all its tips moves its registry case on,
and the registry's photos of the child sit beside the match, on the case and on the sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from storage import (
    FieldCipher,
    MatchCandidate,
    MatchStatus,
    Outcome,
    RegistryEntry,
    SameChildLink,
    session_scope,
)
from storage.registry_log import RegistryEvent
from storage.reports import get_report
from tests.bot.dashboard_helpers import DashboardUser, report_sighting, report_with_pin
from tests.bot.test_dashboard_outcomes import confirmed_match, signed_in
from tests.bot.test_dashboard_tips import app, clock
from tests.triage.coordinators import event_log
from triage.registry_edit import add_photo

__all__ = ["app", "clock"]  # the dashboard's fixtures, shared

CASE_ID = "BCH-2019-0042"
FAMILY_PHONE = "13911112222"


def a_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 140, 200)).save(out, format="JPEG")
    return out.getvalue()


def one_child_two_tips(
    engine, cipher: FieldCipher, data_dir: Path, first: str, second: str, status: str = "open"
) -> int:
    """The registry's child with a photo, confirmed on the first tip, the second linked to it."""
    confirmed_match(
        engine,
        first,
        status=status,
        police_case_number="川公刑2019-118",
        dna_status="taken",
        family_contact=cipher.encrypt(FAMILY_PHONE),
    )
    with session_scope(engine) as session:
        one, two = (get_report(session=session, ref=ref) for ref in (first, second))
        entry = session.exec(select(RegistryEntry).where(RegistryEntry.case_id == CASE_ID)).one()
        entry.kind = "family_seeking_child"
        match = session.exec(select(MatchCandidate)).one()
        match.decided_by = "alice"
        assert one is not None and two is not None
        link = SameChildLink(report_id=one.id or 0, other_report_id=two.id or 0, score=3.0)
        link.status, link.decided_by = MatchStatus.CONFIRMED, "alice"
        session.add(link)
        photo = add_photo(
            session=session,
            entry=entry,
            data=a_photo(),
            cipher=cipher,
            media_dir=data_dir / "media",
            actor="lena",
        )
        return photo.id or 0


def entry_now(engine) -> tuple[str, list[tuple[str, str, dict]]]:
    """The registry case's status and its log (actor, action, detail)."""
    with Session(engine) as session:
        entry = session.exec(select(RegistryEntry).where(RegistryEntry.case_id == CASE_ID)).one()
        entry.kind = "family_seeking_child"
        match = session.exec(select(MatchCandidate)).one()
        match.decided_by = "alice"
        events = session.exec(select(RegistryEvent).where(RegistryEvent.entry_id == entry.id))
        return entry.status, [(e.actor, e.action, e.detail) for e in events]


def moved_on(engine) -> list[tuple[str, list[str]]]:
    """Who moved the registry case on by an outcome, and from what to what."""
    return [
        (actor, detail["changed"]["status"])
        for actor, action, detail in entry_now(engine)[1]
        if action == "status_from_outcome"
    ]


@pytest.fixture
def alice(app, engine) -> DashboardUser:
    return signed_in(app, engine, "alice")


def test_an_outcome_on_the_case_view_is_recorded_on_every_tip_and_the_registry_follows(
    alice, tipster, english_tipster, engine, cipher, data_dir
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    one_child_two_tips(engine, cipher, data_dir, first, second)
    page = alice.opens(f"/cases/{second}").text
    assert 'id="case-outcome-form"' in page and "Record on all 2 tips of the case" in page

    done = alice.posts(f"/cases/{second}/outcome", outcome="reunited", on="2026-11-30")
    assert done.headers["location"].endswith(f"/cases/{second}")
    page = alice.follow(done).text

    assert "Outcome recorded on the case&#39;s 2 tips." in page
    assert 'id="case-outcome-now">reunited</span> on 2026-11-30' in page
    assert f'id="case-entry-status-{CASE_ID}">Reunited<' in page
    with Session(engine) as session:
        rows = session.exec(select(Outcome)).all()
    assert (
        sorted(o.kind for o in rows) == ["reunited", "reunited"] and rows[0].batch == rows[1].batch
    )
    for ref in (first, second):
        assert ("alice", "outcome_recorded") in event_log(engine, ref)
    assert entry_now(engine)[0] == "reunited"
    assert moved_on(engine) == [("alice", ["open", "reunited"])]

    entry_page = alice.opens(f"/registry/{CASE_ID}").text
    assert "Status moved on by an outcome recorded on its confirmed tip" in entry_page
    assert f"Outcome recorded on {first}, {second}" in entry_page
    assert f'href="/dashboard/cases/{first}" id="entry-case-{first}"' in entry_page


def test_the_registry_case_moves_on_but_never_back(
    alice, tipster, english_tipster, engine, cipher, data_dir
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    one_child_two_tips(engine, cipher, data_dir, first, second)

    alice.posts(f"/tips/{first}/outcome", outcome="not_the_child")
    assert entry_now(engine)[0] == "open"
    alice.posts(f"/tips/{second}/outcome", outcome="found")  # linked: the group's entry follows
    alice.posts(f"/cases/{first}/outcome", outcome="reunited")
    alice.posts(f"/tips/{first}/outcome", outcome="found")  # later, but never back

    assert entry_now(engine)[0] == "reunited"
    assert moved_on(engine) == [("alice", ["open", "found"]), ("alice", ["found", "reunited"])]


def test_a_closed_registry_case_stays_closed(
    alice, tipster, english_tipster, engine, cipher, data_dir
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    one_child_two_tips(engine, cipher, data_dir, first, second, status="closed")

    alice.posts(f"/cases/{first}/outcome", outcome="reunited")

    assert entry_now(engine)[0] == "closed" and moved_on(engine) == []


def test_the_registrys_photos_show_beside_the_match_on_the_case_and_on_the_sheet(
    alice, app, tipster, english_tipster, engine, cipher, data_dir
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    photo = one_child_two_tips(engine, cipher, data_dir, first, second)
    src = f"/dashboard/registry/{CASE_ID}/photos/{photo}"

    match = alice.opens(f"/tips/{first}").text.split(f'id="match-{CASE_ID}"')[1]
    assert src in match.split("</article>")[0]
    assert src in alice.opens(f"/cases/{second}").text
    assert alice.opens(src.removeprefix("/dashboard")).headers["content-type"] == "image/jpeg"
    stranger = DashboardUser(app)
    refused = stranger.opens(src.removeprefix("/dashboard"))
    assert refused.status_code == 303 and "/login" in refused.headers["location"]

    sheet = alice.opens(f"/tips/{first}/referral-sheet", lang="en").text
    assert "Police case number" in sheet and "川公刑2019-118" in sheet
    assert f'id="sheet-dna-{CASE_ID}">Taken<' in sheet and src in sheet
    assert f'id="sheet-entry-status-{CASE_ID}">Open<' in sheet
    assert FAMILY_PHONE not in sheet and "2222" not in sheet  # the family's contact, never
    linked = alice.opens(f"/tips/{second}/referral-sheet", lang="en").text  # the case's entry
    assert f'id="sheet-police-case-{CASE_ID}">川公刑2019-118<' in linked
    chinese = alice.opens(f"/tips/{first}/referral-sheet", lang="zh").text
    assert "川公刑2019-118" in chinese and "DNA" in chinese


def test_the_case_outcome_reads_in_chinese(app, tipster, english_tipster, engine, cipher, data_dir):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    one_child_two_tips(engine, cipher, data_dir, first, second)
    wang = signed_in(app, engine, "wang", "zh-CN")

    page = wang.follow(wang.posts(f"/cases/{first}/outcome", outcome="found")).text

    assert "已为本案 2 条线索记录结果。" in page and "记录到本案全部 2 条线索" in page
    assert 'id="case-outcome-now">已找到</span>' in page


def test_a_case_of_one_tip_records_its_outcome_in_plain_words(alice, tipster):
    ref = report_sighting(tipster)

    page = alice.follow(alice.posts(f"/cases/{ref}/outcome", outcome="no_trace")).text

    assert "Outcome recorded." in page and "1 tips" not in page
    assert 'id="case-outcome-now">no trace</span>' in page
    assert ">Record outcome</button>" in page
