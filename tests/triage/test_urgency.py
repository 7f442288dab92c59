"""Each urgency rule, and the imminent flag that puts a child in danger on top."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Report, utcnow
from triage.urgency import RULES, assess

NOW = utcnow()


def tip(**fields: object) -> Report:
    base: dict[str, object] = {
        "ref": "HW-TEST-01",
        "pin_hash": "-",
        "draft_id": "d",
        "kind": "sighting",
        "language": "en",
        "channel": "test",
    }
    return Report(**{**base, **fields})


CASES = [
    ("child is there now", {"presence": "there_now"}),
    ("child lives nearby", {"presence": "lives_nearby"}),
    ("seen in the last 24 hours", {"seen_on": NOW - timedelta(hours=3)}),
    ("seen in the last week", {"seen_on": NOW - timedelta(days=4)}),
    ("seen more than 90 days ago", {"seen_on": NOW - timedelta(days=200)}),
    ("very young child (5 or under)", {"child_age_min": 3, "child_age_max": 4}),
    ("young child (10 or under)", {"child_age_min": 7, "child_age_max": 8}),
    ("injuries", {"signs": ["injuries"]}),
    ("afraid of the adults", {"signs": ["afraid"]}),
    ("asked to go home", {"signs": ["wants_home"]}),
    ("being moved / arrived recently", {"signs": ["arrived_recently"]}),
    ("begging or working", {"signs": ["begging_working"]}),
    ("doesn't know where they are", {"signs": ["lost_place"]}),
    ("several signs together", {"signs": ["no_school", "story_mismatch", "begging_working"]}),
    ("gave a different name", {"names_given": ["李勇"]}),
    ("speaks differently from locals", {"dialect_differs": "yes"}),
    ("precise location", {"latitude": 30.6, "longitude": 104.1}),
]


def test_every_rule_has_a_case():
    assert sorted(reason for reason, _ in CASES) == sorted(rule.reason for rule in RULES)


@pytest.mark.parametrize(("reason", "fields"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_applies_alone(reason, fields):
    urgency = assess(tip(**fields), NOW)
    rule = next(r for r in RULES if r.reason == reason)
    assert any(text.startswith(reason) for text in urgency.reasons)
    assert urgency.score == max(
        0, min(100, sum(r.points for r in RULES if r.applies(tip(**fields), NOW)))
    )
    assert rule.points != 0


def test_an_empty_tip_scores_zero_with_no_reasons():
    assert assess(tip(), NOW).score == 0 and assess(tip(), NOW).reasons == []


def test_a_child_hurt_and_there_right_now_is_imminent():
    urgency = assess(
        tip(presence="there_now", seen_on=NOW - timedelta(hours=1), signs=["injuries"]), NOW
    )
    assert urgency.imminent and urgency.score == 100
    assert urgency.reasons[0].startswith("IMMINENT")


def test_yesterdays_sighting_of_a_child_seen_once_is_not_imminent():
    urgency = assess(
        tip(presence="seen_once", seen_on=NOW - timedelta(days=2), signs=["afraid"]), NOW
    )
    assert not urgency.imminent and urgency.score < 50


def test_scores_stay_within_0_and_100():
    everything = tip(
        presence="there_now",
        seen_on=NOW,
        child_age_max=4,
        names_given=["x"],
        signs=[
            "injuries",
            "afraid",
            "wants_home",
            "arrived_recently",
            "begging_working",
            "lost_place",
        ],
        dialect_differs="yes",
        latitude=1.0,
        city="成都市",
    )
    assert assess(everything, NOW).score == 100
    assert assess(tip(seen_on=NOW - timedelta(days=400)), NOW).score == 0
