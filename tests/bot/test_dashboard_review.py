"""Coordinators review what the matcher proposed: a match side by side, links, the case view."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from bot.cli import cli
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
from tests.bot.test_local_times import cli_runner
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
    shown = visible_lines(alice.opens(f"/tips/{first}").text)
    assert "confirmed · by alice ·" in shown  # then when


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


def match_article(page: str, case_id: str) -> list[str]:
    """The visible lines of one match on a tip page."""
    start = page.index(f'id="match-{case_id}"')
    return visible_lines(page[start : page.index("</article>", start)])


def test_a_decided_match_shows_its_verdict_and_one_change_action(app, engine, two_tips):
    first, _ = two_tips
    alice = coordinator(app, engine, "alice")
    alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="confirm")

    lines = match_article(alice.opens(f"/tips/{first}").text, "BBH-2019-0412")
    assert "confirmed · by alice ·" in lines
    assert "Change verdict: dismiss" in lines
    assert "Confirm" not in lines and "Dismiss" not in lines

    alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="dismiss")
    lines = match_article(alice.opens(f"/tips/{first}").text, "BBH-2019-0412")
    assert "dismissed · by alice ·" in lines
    assert "Change verdict: confirm" in lines and "Dismiss" not in lines
    chinese = coordinator(app, engine, "wang", "zh-CN").opens(f"/tips/{first}").text
    assert "改判：确认" in match_article(chinese, "BBH-2019-0412")


def test_an_entry_confirmed_on_one_tip_of_a_case_reads_confirmed_on_the_others(
    app, engine, two_tips
):
    first, second = two_tips
    alice = coordinator(app, engine, "alice")
    before = match_article(alice.opens(f"/tips/{second}").text, "BBH-2019-0412")
    assert "Confirm" in before and "Dismiss" in before  # the same entry, proposed for both

    alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="confirm")
    still = match_article(alice.opens(f"/tips/{second}").text, "BBH-2019-0412")
    assert "Confirm" in still  # not yet known to be the same child: still to review

    alice.posts(f"/tips/{first}/link", other=second, verdict="confirm")
    lines = match_article(alice.opens(f"/tips/{second}").text, "BBH-2019-0412")
    assert "confirmed · by alice ·" in lines
    assert f"· decided on {first}, the same child" in lines
    assert "Change verdict: dismiss" in lines
    assert "Confirm" not in lines and "Dismiss" not in lines
    with Session(engine) as session:  # not a verdict of its own (calibration counts only those)
        statuses = sorted(c.status for c in session.exec(select(MatchCandidate)))
    assert statuses.count("confirmed") == 1

    # A verdict on the second tip itself stands over the case's.
    alice.posts(f"/tips/{second}/match", case_id="BBH-2019-0412", verdict="dismiss")
    lines = match_article(alice.opens(f"/tips/{second}").text, "BBH-2019-0412")
    assert "dismissed · by alice ·" in lines
    assert not any("decided on" in line for line in lines)


def test_tips_show_says_a_verdict_given_through_the_case(
    app, engine, two_tips, database_url, secret_key, tmp_path
):
    first, second = two_tips
    alice = coordinator(app, engine, "alice")
    alice.posts(f"/tips/{first}/match", case_id="BBH-2019-0412", verdict="confirm")
    alice.posts(f"/tips/{first}/link", other=second, verdict="confirm")
    runner = cli_runner(database_url, secret_key, tmp_path, "Asia/Shanghai")

    def matches(ref: str, lang: str) -> list[str]:
        shown = runner.invoke(cli, ["tips", "show", ref, "--lang", lang])
        assert shown.exit_code == 0, shown.output
        lines = shown.output.splitlines()
        return lines[lines.index(next(x for x in lines if "BBH-2019-0412" in x)) :][:2]

    own, through = matches(first, "en"), matches(second, "en")
    assert own[1].startswith("    confirmed · by alice · ") and "decided on" not in own[1]
    assert through[1].startswith("    confirmed · by alice · ")
    assert through[1].endswith(f" · decided on {first}, the same child")
    chinese = matches(second, "zh")[1]
    assert "alice" in chinese and first in chinese and "confirmed" not in chinese
    data = json.loads(runner.invoke(cli, ["tips", "show", second, "--json"]).output)
    verdict = data["matches"][0]["verdict"]
    assert (verdict["status"], verdict["by"], verdict["through"]) == ("confirmed", "alice", first)
