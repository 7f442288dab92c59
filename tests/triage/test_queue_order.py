"""The one queue order: a fresh missing child or an imminent tip on top, the unassessed next."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlmodel import Session

from bot.cli import cli
from storage import utcnow
from storage.reports import open_queue
from tests.conftest import REDIS_URL
from tests.triage.stored import NOW, report


def strong_sighting(engine) -> str:
    """A girl begging at a station now, afraid, asking to go home: scores far above 13."""
    return report(
        engine,
        presence="there_now",
        seen_on=NOW - timedelta(days=2),
        child_age_max=6,
        signs=["afraid", "wants_home", "begging_working"],
        names_given=["丽丽"],
        dialect_differs="yes",
        city="东莞市",
    )


def missing_since_yesterday(engine, **fields) -> str:
    """The issue's case: a 7-year-old missing since yesterday, already reported to police."""
    return report(
        engine,
        kind="missing_child",
        seen_on=NOW - timedelta(days=1, hours=2),
        child_age_min=7,
        child_age_max=7,
        city="昆明市",
        details="已经报警",
        **fields,
    )


def queue_refs(engine, now=NOW) -> list[str]:
    with Session(engine) as session:
        return [r.ref for r in open_queue(session=session, now=now)]


def test_a_missing_child_reported_within_72_hours_is_on_top_with_the_reason(engine):
    sighting = strong_sighting(engine)
    vague = report(engine, kind="other")
    missing = missing_since_yesterday(engine)

    assert queue_refs(engine) == [missing, sighting, vague]
    with Session(engine) as session:
        tip = open_queue(session=session, now=NOW)[0]
    assert tip.top_until is not None and tip.top_until > NOW
    assert "missing_recent" in tip.urgency_reasons[0]


def test_after_72_hours_the_missing_child_takes_its_place_by_score(engine):
    sighting = strong_sighting(engine)
    missing = missing_since_yesterday(engine)
    assert queue_refs(engine, now=NOW + timedelta(hours=72)) == [sighting, missing]


def test_a_child_missing_for_a_month_is_not_put_on_top(engine):
    sighting = strong_sighting(engine)
    old = report(engine, kind="missing_child", seen_on=NOW - timedelta(days=30), city="昆明市")
    assert queue_refs(engine) == [sighting, old]


def test_an_imminent_tip_is_on_top_for_72_hours(engine):
    missing = missing_since_yesterday(engine, received=timedelta(hours=1))
    imminent = report(
        engine,
        presence="there_now",
        seen_on=NOW - timedelta(hours=1),
        signs=["injuries"],
        received=timedelta(minutes=5),
    )
    assert queue_refs(engine) == [imminent, missing]


def test_a_tip_not_assessed_yet_has_no_score_and_comes_after_the_top(engine):
    sighting = strong_sighting(engine)
    missing = missing_since_yesterday(engine)
    waiting = report(engine, assessed=False, kind="other")
    with Session(engine) as session:
        stored = open_queue(session=session, now=NOW)
    assert [r.ref for r in stored] == [missing, waiting, sighting]
    assert stored[1].urgency is None


def test_tips_list_on_the_cli_is_the_queue_in_the_same_order(engine, database_url, tmp_path):
    strong_sighting(engine)
    report(engine, kind="other")
    report(engine, assessed=False, kind="other")
    missing_since_yesterday(engine)
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
        }
    )

    listed = runner.invoke(cli, ["tips", "list", "--json"])

    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [row["ref"] for row in rows] == queue_refs(engine, now=utcnow())
    assert [row["urgency"] is None for row in rows] == [False, True, False, False]
