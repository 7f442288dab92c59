"""Phrases: whatever a stored key and its parameters say, worded in the reader's language."""

from __future__ import annotations

from handlers.phrases import phrase, say
from triage.urgency_reasons import reason_phrase


def test_a_phrase_is_worded_in_each_language_with_its_parameters_worded_too():
    stored = phrase(
        "record.because.referred", kind=phrase("workflow.referral.police")
    )  # as a JSON column keeps it

    assert say("zh_CN", stored) == "转交公安机关时自动转入"
    assert say("en", stored) == "on referral to the police"


def test_parameters_may_sit_under_params_and_lists_and_yes_no_are_worded():
    assert say("zh_CN", {"key": "record.detail", "params": {"label": "是否", "value": True}}) == (
        "是否：是"
    )
    assert say("en", phrase("record.detail", label="provinces", value=["广东", "广西"])) == (
        "provinces: 广东 and 广西"
    )


def test_a_wording_missing_a_parameter_still_reads_and_older_text_stays_as_stored():
    assert say("en", phrase("urgency.points", reason=phrase("urgency.reason.afraid"))) == (
        "afraid of the adults (?)"
    )
    assert say("zh_CN", "sex m = m [+1.2]") == "sex m = m [+1.2]"


def test_urgency_reasons_of_every_age_read_the_same():
    stored_now, stored_before = "afraid:+10", "afraid of the adults (+10)"

    assert say("zh_CN", reason_phrase(stored_now)) == "害怕身边的大人（+10）"
    assert say("zh_CN", reason_phrase(stored_before)) == "害怕身边的大人（+10）"
    assert say("en", reason_phrase("imminent")) == say("en", reason_phrase(
        "IMMINENT: child in danger now"
    ))  # fmt: skip


def test_a_match_reason_reads_with_its_weight():
    stored = {
        "key": "record.status_change",
        "params": {"before": {"key": "dashboard.status.new"}, "after": "?"},
        "weight": 4.94,
    }

    assert say("zh_CN", stored) == "从「新线索」到「?」 [+4.9]"
