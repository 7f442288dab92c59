"""Coordinators record what came of a tip, see its tipster's earlier tips, print a referral
sheet for the police, and the queue sounds an alarm for imminent tips nobody claimed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from storage import (
    MatchCandidate,
    MatchStatus,
    Outcome,
    RegistryEntry,
    ReportEvent,
    session_scope,
)
from storage.reports import get_report
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    enlist,
    report_sighting,
    report_with_pin,
)
from tests.bot.test_dashboard_tips import app, clock, refs_in
from tests.triage.coordinators import event_log, tip
from triage.outcomes import record_outcome

__all__ = ["app", "clock", "confirmed_match"]  # the dashboard's fixtures, shared


def confirmed_match(engine, ref: str, **entry: object) -> None:
    """A registry entry a coordinator confirmed as the child of this tip."""
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        found = RegistryEntry(case_id="BCH-2019-0042", kind="missing", name="李勇", **entry)
        session.add(found)
        session.flush()
        session.add(
            MatchCandidate(
                report_id=report.id or 0,
                entry_id=found.id or 0,
                score=0.9,
                status=MatchStatus.CONFIRMED,
            )
        )


def signed_in(app, engine, name: str, language: str = "en") -> DashboardUser:
    enlist(engine, name)
    user = DashboardUser(app, name)
    user.client.headers["accept-language"] = language
    user.signs_in()
    return user


@pytest.fixture
def alice(app, engine) -> DashboardUser:
    return signed_in(app, engine, "alice")


def today_in_shanghai(clock: Clock) -> date:
    return (clock.now + timedelta(hours=8)).date()


def details_of(engine, ref: str, action: str) -> list[dict]:
    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        events = session.exec(
            select(ReportEvent).where(
                ReportEvent.report_id == report.id, ReportEvent.action == action
            )
        )
        return [dict(e.detail, actor=e.actor) for e in events]


def test_an_outcome_recorded_on_the_tip_page_shows_with_its_day_and_who(alice, tipster, engine):
    ref = report_sighting(tipster)
    page = alice.opens(f"/tips/{ref}").text
    assert "No outcome recorded yet." in page and 'id="outcome-form"' in page

    done = alice.posts(f"/tips/{ref}/outcome", outcome="reunited", on="2026-11-30", note="home")
    page = alice.follow(done).text

    assert "Outcome recorded." in page
    assert 'id="outcome-now">reunited</span> on 2026-11-30' in page
    assert "recorded by alice" in page and "home" in page
    assert ("alice", "outcome_recorded") in event_log(engine, ref)
    assert details_of(engine, ref, "outcome_recorded")[0]["outcome"] == "reunited"
    assert "recorded an outcome" in page and "outcome: reunited" in page  # the timeline


def test_reunited_closes_the_tip_under_the_coordinators_name_and_found_leaves_it_open(
    alice, tipster, engine
):
    ref = report_sighting(tipster)

    alice.posts(f"/tips/{ref}/outcome", outcome="found")
    after_found = tip(engine, ref).status
    assert ref in refs_in(alice.opens("/").text)
    page = alice.follow(alice.posts(f"/tips/{ref}/outcome", outcome="reunited")).text

    assert after_found == "new"  # still open for the coordinators working on the reunion
    assert (tip(engine, ref).status, tip(engine, ref).close_reason) == ("closed", "resolved")
    [closing] = details_of(engine, ref, "status_changed")
    assert closing["actor"] == "alice" and closing["close_reason"] == "resolved"
    assert "on the outcome “reunited”" in page  # the timeline says why, in words
    assert ref not in refs_in(alice.opens("/").text)


def test_the_day_defaults_to_today_in_the_deployments_zone_and_cannot_be_to_come(
    app, tipster, engine, clock
):
    ref = report_sighting(tipster)
    clock.now = clock.now.replace(hour=20, minute=0)  # 04:00 the next day in Shanghai
    alice = signed_in(app, engine, "alice")

    alice.posts(f"/tips/{ref}/outcome", outcome="no_trace")
    refused = alice.follow(
        alice.posts(f"/tips/{ref}/outcome", outcome="found", on="2999-01-01")
    ).text
    bad_day = alice.follow(alice.posts(f"/tips/{ref}/outcome", outcome="found", on="soon")).text

    with Session(engine) as session:
        rows = session.exec(select(Outcome)).all()
    assert [(o.kind, o.happened_on, o.recorded_by) for o in rows] == [
        ("no_trace", today_in_shanghai(clock), "alice")
    ]
    assert "2999-01-01 is still to come" in refused
    assert "give the day as YYYY-MM-DD" in bad_day


def test_an_outcome_on_a_case_is_stored_for_each_of_its_tips_and_counts_once(
    alice, tipster, english_tipster, engine
):
    first, second = report_sighting(tipster), report_with_pin(english_tipster)
    with session_scope(engine) as session:
        ids = [tip(engine, ref).id or 0 for ref in (first, second)]
        from storage.coordinators import find_coordinator

        lead = find_coordinator(session=session, name="alice")
        assert lead is not None
        today = date.today()
        rows = record_outcome(
            session=session,
            report_ids=ids,
            coordinator=lead,
            kind="found",
            happened_on=today,
            today=today,
        )
    assert len(rows) == 2 and rows[0].batch == rows[1].batch
    assert [tip(engine, ref).status for ref in (first, second)] == ["new", "new"]  # found
    for ref in (first, second):
        assert details_of(engine, ref, "outcome_recorded")[0]["case"] == [first, second]
    overview = alice.opens("/overview").text
    assert 'id="stat-outcomes">1<' in overview


def test_the_overview_shows_outcomes_by_month_and_median_times_by_province(
    alice, tipster, engine, clock
):
    ref = report_sighting(tipster)
    alice.claims(ref)
    alice.sets_status(ref, "verified")
    alice.posts(f"/tips/{ref}/refer", kind="police", to_whom="成都市公安局", reference="A-1")
    alice.posts(f"/tips/{ref}/outcome", outcome="reunited")

    page = alice.opens("/overview").text
    chinese = signed_in(alice.client.app, engine, "wang", "zh-CN").opens("/overview").text

    assert "Outcomes per month" in page and "Median time from the first tip" in page
    month = today_in_shanghai(clock).strftime("%Y-%m")
    assert f'<th scope="row">{month}</th><td>0</td><td>1</td>' in page  # found 0, reunited 1
    medians = page.split('id="outcome-medians"')[1]
    assert "All provinces" in medians and "四川" in medians
    assert medians.count("(of 1)") == 6  # verification, referral, reunion; all and Sichuan
    assert "每月结果" in chinese and "所有省份" in chinese


def test_an_imminent_tip_unclaimed_past_its_limit_sounds_the_alarm_on_the_queue(
    alice, tipster, engine
):
    ref = report_sighting(tipster)
    assert 'id="alarm"' not in alice.opens("/").text
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        report.imminent, report.urgency = True, 100
        report.escalated_at = report.created_at + timedelta(minutes=15)

    page = alice.opens("/").text
    alarm = page.split('id="alarm"')[1].split("</section>")[0]
    assert "Alarm: imminent tips still unclaimed past their limit (1)" in alarm
    assert ref in alarm and "the leads were told at" in alarm
    assert ref in alice.opens("/queue/alarm").text
    alice.claims(ref)
    assert 'id="alarm"' not in alice.opens("/queue/alarm").text


def test_a_tip_page_shows_what_became_of_its_tipsters_earlier_tips(alice, tipster, engine):
    earlier = report_sighting(tipster)
    alice.claims(earlier)
    alice.sets_status(earlier, "verified")
    later = report_sighting(tipster, place="广东省广州市火车站")

    assert "No earlier tips from this tipster." in alice.opens(f"/tips/{earlier}").text
    page = alice.opens(f"/tips/{later}").text
    assert "Earlier tips: 1 · verified: 1 · found false: 0" in page
    assert "never who they are" in page


def test_the_referral_sheet_prints_the_facts_in_the_language_asked_and_is_recorded(
    alice, tipster, engine
):
    ref = report_sighting(tipster)
    confirmed_match(engine, ref, missing_place="河南周口")
    alice.claims(ref)
    alice.posts(f"/tips/{ref}/refer", kind="police", to_whom="成都市公安局", reference="A-1")
    assert f"/tips/{ref}/referral-sheet?lang=zh" in alice.opens(f"/tips/{ref}").text

    english = alice.opens(f"/tips/{ref}/referral-sheet", lang="en").text
    chinese = alice.opens(f"/tips/{ref}/referral-sheet", lang="zh").text

    assert "Referral sheet — tip" in english and "The questions as asked" in english
    assert "很瘦，左脸有一块胎记" in english  # the answer as given
    assert "BCH-2019-0042" in english and "李勇" in english and "成都市公安局" in english
    assert "138****8000" in english and "13800138000" not in english
    assert "Masked" in english and 'class="toolbar no-print"' in english
    assert "转交单" in chinese and "所提的问题与原样的回答" in chinese
    opened = details_of(engine, ref, "referral_sheet_opened")
    assert [(d["actor"], d["sheet_language"]) for d in opened] == [
        ("alice", "en"),
        ("alice", "zh_CN"),
    ]


def test_the_referral_sheet_shows_the_phone_only_for_a_recorded_reason(alice, tipster, engine):
    ref = report_sighting(tipster)

    without = alice.posts(f"/tips/{ref}/referral-sheet", lang="en", reason="").text
    revealed = alice.posts(f"/tips/{ref}/referral-sheet", lang="en", reason="police asked").text

    assert "13800138000" not in without
    assert "13800138000" in revealed and "reason recorded: police asked" in revealed
    reveals = details_of(engine, ref, "contact_revealed")
    assert [(d["actor"], d["reason"]) for d in reveals] == [("alice", "police asked")]
    assert details_of(engine, ref, "referral_sheet_opened")[-1]["include_identity"] is True
