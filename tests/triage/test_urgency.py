"""Each urgency rule, and the imminent flag that puts a child in danger on top."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from storage import Report, utcnow
from triage.urgency import RULES, assess
from triage.urgency_words import reason_words, score_words

NOW = utcnow()


def tip(**fields: object) -> Report:
    base: dict[str, object] = {
        "ref": "HW-TEST-01",
        "pin_hash": "-",
        "draft_id": "d",
        "kind": "sighting",
        "language": "en",
        "channel": "telegram",
    }
    return Report(**{**base, **fields})


CASES = [
    ("there_now", {"presence": "there_now"}),
    ("lives_nearby", {"presence": "lives_nearby"}),
    ("seen_day", {"seen_on": NOW - timedelta(hours=3)}),
    ("seen_week", {"seen_on": NOW - timedelta(days=4)}),
    ("seen_long_ago", {"seen_on": NOW - timedelta(days=200)}),
    ("very_young", {"child_age_min": 3, "child_age_max": 4}),
    ("young", {"child_age_min": 7, "child_age_max": 8}),
    ("injuries", {"signs": ["injuries"]}),
    ("afraid", {"signs": ["afraid"]}),
    ("wants_home", {"signs": ["wants_home"]}),
    ("arrived_recently", {"signs": ["arrived_recently"]}),
    ("begging_working", {"signs": ["begging_working"]}),
    ("lost_place", {"signs": ["lost_place"]}),
    ("several_signs", {"signs": ["no_school", "story_mismatch", "begging_working"]}),
    ("different_name", {"names_given": ["李勇"]}),
    ("dialect_differs", {"dialect_differs": "yes"}),
    ("precise_location", {"latitude": 30.6, "longitude": 104.1}),
    ("missing_recent", {"kind": "missing_child", "seen_on": NOW - timedelta(hours=30)}),
]


def test_every_rule_has_a_case():
    assert sorted(reason for reason, _ in CASES) == sorted(rule.key for rule in RULES)


@pytest.mark.parametrize(("reason", "fields"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_applies_alone(reason, fields):
    urgency = assess(tip(**fields), NOW)
    rule = next(r for r in RULES if r.key == reason)
    assert f"{reason}:{rule.points:+d}" in urgency.reasons
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
    assert urgency.reasons[0] == "imminent"


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


def test_a_tip_not_assessed_yet_reads_so_in_both_languages():
    assert score_words(tip(), "en") == "not assessed yet"
    assert score_words(tip(), "zh_CN") == "尚未评估"
    assert score_words(tip(urgency=0), "en") == "0"


def test_reasons_read_in_the_readers_language_with_the_top_first():
    missing = tip(kind="missing_child", seen_on=NOW - timedelta(hours=30), city="昆明市")
    urgency = assess(missing, NOW)
    missing.urgency, missing.urgency_reasons = urgency.score, urgency.reasons
    missing.top_until = urgency.top_until
    shanghai = ZoneInfo("Asia/Shanghai")

    words = reason_words(missing, "zh_CN", shanghai, NOW)

    assert words[0].startswith("置顶至 ")
    assert words[1] == "走失儿童，最后被看到不到 72 小时（+40）"
    assert reason_words(missing, "en", shanghai, NOW)[1] == (
        "missing child, last seen less than 72 hours ago (+40)"
    )
    assert not reason_words(missing, "en", shanghai, NOW + timedelta(hours=43))[0].startswith(
        "on top"
    )
