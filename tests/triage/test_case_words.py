"""Same-child links and merged facts read in words; conflicts are what a person would call one."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.phrases import say
from storage import Report
from triage.case_view import merge_facts
from triage.links import link_reason


def a_tip(ref: str, **fields: object) -> Report:
    return Report(ref=ref, pin_hash="x", draft_id=ref, kind="sighting", language="zh_CN",
                  created_at=datetime(2026, 12, 1, tzinfo=UTC), **fields)  # fmt: skip


def test_a_link_reason_stored_in_english_reads_in_either_language() -> None:
    dialect = link_reason("same dialect cantonese")
    assert say("en", dialect) == "same dialect: Cantonese"
    assert say("zh_CN", link_reason("same city 东莞市")) == "同一城市：东莞市"
    assert say("zh_CN", link_reason("similar names")) == "名字相近"
    assert link_reason("a reason nobody wrote yet") == "a reason nobody wrote yet"


def test_ages_two_years_apart_agree_and_a_boy_and_a_girl_conflict() -> None:
    close = merge_facts([a_tip("A", child_age_min=10, child_age_max=10, child_sex="boy"),
                         a_tip("B", child_age_min=12, child_age_max=13, child_sex="not_sure")])  # fmt: skip
    apart = merge_facts([a_tip("A", child_age_min=5, child_age_max=6, child_sex="boy"),
                         a_tip("B", child_age_min=9, child_age_max=None, child_sex="girl")])  # fmt: skip
    assert {f.name: f.conflict for f in close}["age"] is False
    assert {f.name: f.conflict for f in close}["sex"] is False  # "not sure" says nothing
    assert {f.name for f in apart if f.conflict} == {"age", "sex"}
    [sex] = [f for f in apart if f.name == "sex"]
    assert [refs for _, refs in sex.values] == [["A"], ["B"]]
