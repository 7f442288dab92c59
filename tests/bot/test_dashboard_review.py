"""Coordinators review what the matcher proposed: a match side by side, links, the case view."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage import MatchCandidate, Role, session_scope
from storage.reports import get_report
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    visible_lines,
)
from tests.bot.review_helpers import two_sightings_of_the_sample_boy
from tests.triage.coordinators import event_log


@pytest.fixture
def app(dashboard_svc):
    return dashboard_app(dashboard_svc, Clock())


def coordinator(app, engine, name: str, language: str = "en", role=Role.COORDINATOR):
    enlist(engine, name, role)
    user = DashboardUser(app, name)
    user.client.headers["accept-language"] = language
    user.signs_in()
    return user


@pytest.fixture
def two_tips(engine, intake, cipher, queue, redis_client, database_url) -> tuple[str, str]:
    """Two tipsters report the sample registry's boy in one town; the worker matches and links."""
    return two_sightings_of_the_sample_boy(
        engine, intake, cipher, queue, redis_client, database_url
    )


def test_a_match_sits_beside_its_registry_entry_and_is_confirmed_with_who(app, engine, two_tips):
    first, _ = two_tips
    alice = coordinator(app, engine, "alice")

    page = alice.opens(f"/tips/{first}").text
    lines = visible_lines(page)

    assert 'href="/dashboard/registry/BBH-2019-0412"' in page
    assert "missing 2019 aged 4 → about 11 now" in page or "about 12 now" in page
    assert "looks about 11" in lines
    assert "李勇 (lǐ yǒng)" in lines and "said their name is: 李涌 (lǐ yǒng)" in lines
    assert "✓ agrees" in lines  # a mark is a symbol and a word, never colour alone
    assert "home: 四川" in lines
    assert "Confirm" in lines and "Dismiss" in lines

    done = alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="confirm")
    assert "Match confirmed" in alice.follow(done).text
    assert ("alice", "match_confirmed") in event_log(engine, first)
    with Session(engine) as session:
        confirmed = session.exec(
            select(MatchCandidate).where(MatchCandidate.status == "confirmed")
        ).one()
    assert confirmed.decided_by == "alice"
    assert "confirmed · by alice" in visible_lines(alice.opens(f"/tips/{first}").text)


def test_on_a_tip_someone_else_holds_only_a_lead_decides_and_overrules(app, engine, two_tips):
    first, _ = two_tips
    alice = coordinator(app, engine, "alice")
    alice.claims(first)
    bob = coordinator(app, engine, "bob")
    refused = bob.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="dismiss")
    assert f"Not done: {first} is claimed by someone else" in visible_lines(
        bob.follow(refused).text
    )
    lead = coordinator(app, engine, "lin", role=Role.LEAD)
    lead.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="dismiss")
    log = event_log(engine, first)
    assert ("lin", "claim_overruled") in log and ("lin", "match_dismissed") in log
    assert ("bob", "match_dismissed") not in log


def test_confirmed_links_make_one_case_with_both_tips_and_conflicts_marked(app, engine, two_tips):
    first, second = two_tips
    with session_scope(engine) as session:  # the second tipster thought the child was a girl
        report = get_report(session=session, ref=second)
        assert report is not None
        report.child_sex, report.child_age_min, report.child_age_max = "girl", 6, 7
        session.add(report)
    alice = coordinator(app, engine, "alice")
    page = alice.opens(f"/tips/{first}").text
    assert f'id="link-{second}"' in page
    assert any(line.startswith("same city: 东莞市; ") for line in visible_lines(page))

    alice.posts(f"/tips/{first}/link", other=second, verdict="confirm")
    alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="confirm")
    assert ("alice", "same_child_confirmed") in event_log(engine, second)
    assert 'id="open-case"' in alice.opens(f"/tips/{first}").text

    case = alice.opens(f"/cases/{second}").text
    lines = visible_lines(case)
    assert f'href="/dashboard/tips/{first}"' in case and f'href="/dashboard/tips/{second}"' in case
    assert "2 tip(s) confirmed as being about this child." in lines
    assert 'id="case-entry-BBH-2019-0412"' in case
    assert lines.count("✗ conflicts") == 2  # sex and age; the dialect agrees
    assert "Boy" in lines and "Girl" in lines

    chinese = coordinator(app, engine, "wang", "zh-CN").opens(f"/cases/{first}").text
    assert "✗ 矛盾" in visible_lines(chinese)


def test_the_case_of_a_tip_with_no_confirmed_link_is_that_tip_alone(app, engine, two_tips):
    first, second = two_tips
    alice = coordinator(app, engine, "alice")
    case = alice.opens(f"/cases/{first}").text
    assert (
        "1 tip(s) confirmed as being about this child. No other tip is confirmed as this child yet."
        in visible_lines(case)
    )
    assert f"/tips/{second}" not in case
    assert alice.opens("/cases/HW-0000-00").status_code == 404
