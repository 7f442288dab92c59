"""Each matching feature on its own: what a volunteer would conclude, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from triage.matching import Feature, RegistryProfile, TipProfile, score_pair
from triage.matching.age import age_evidence
from triage.matching.dialect import dialect_evidence
from triage.matching.marks import marks_evidence
from triage.matching.names import name_evidence
from triage.matching.rarity import Rarity
from triage.matching.reasons import reason_text
from triage.matching.scoring import collect_evidence, weigh
from triage.matching.sex import sex_evidence
from triage.matching.timeline import timeline_evidence

TODAY = date(2026, 3, 1)


def a_family_report(**changes: object) -> RegistryProfile:
    """Li Yong's family: he went missing in Liangshan, Sichuan, aged four, in 2019."""
    report = RegistryProfile(
        case_id="C-1",
        name="李勇",
        sex="M",
        birth_date=date(2015, 3, 1),
        missing_date=date(2019, 5, 1),
        missing_place="四川省凉山州越西县",
        home_province="四川",
        dialect="四川话",
        marks="左脸有红色胎记",
    )
    return replace(report, **changes)  # type: ignore[arg-type]


def a_sighting(**changes: object) -> TipProfile:
    """An empty sighting, filled in by each story."""
    return replace(TipProfile(tip_id="T-1"), **changes)  # type: ignore[arg-type]


def names_of(tip: TipProfile, report: RegistryProfile) -> tuple[float, str]:
    """The name feature's weight (log-likelihood ratio) and reason, rarity from priors alone."""
    evidence = name_evidence(tip, report, Rarity.from_priors())
    return weigh(evidence), evidence.reason


# --- names -------------------------------------------------------------------


@pytest.mark.parametrize("heard", ["李涌", "Li Yong", "liyong", "Yong Li"])
def test_a_homophone_or_pinyin_spelling_matches_the_registered_name(heard: str) -> None:
    weight, reason = names_of(a_sighting(names=[heard]), a_family_report())
    assert weight > 3
    assert "same pinyin li yong" in reason


def test_the_exact_name_is_the_strongest_name_evidence() -> None:
    exact, reason = names_of(a_sighting(names=["李勇"]), a_family_report())
    homophone, _ = names_of(a_sighting(names=["李涌"]), a_family_report())
    assert reason.startswith("name 李勇 = 李勇")
    assert 0 < homophone < exact


def test_the_name_the_child_gives_counts_more_than_the_name_adults_use() -> None:
    report = a_family_report()
    child_says = a_sighting(names=["王小明"], given_names=["李涌"])
    adults_say = a_sighting(names=["李涌"])
    child_score, reason = names_of(child_says, report)
    adults_score, _ = names_of(adults_say, report)
    assert "child's name 李涌 ~ 李勇" in reason
    assert child_score > adults_score


def test_an_original_name_unlike_the_registered_one_counts_against() -> None:
    weight, reason = names_of(a_sighting(given_names=["张三"]), a_family_report())
    assert weight < -2
    assert "shares nothing" in reason


def test_an_unrelated_name_used_by_adults_counts_only_a_little_against() -> None:
    evidence = name_evidence(a_sighting(names=["张三"]), a_family_report(), Rarity.from_priors())
    assert -1.5 < weigh(evidence) < 0  # often a new name the adults gave the child


def test_the_given_name_survives_a_surname_change() -> None:
    weight, reason = names_of(a_sighting(names=["王家豪"]), a_family_report(name="李家豪"))
    exact, _ = names_of(a_sighting(names=["李家豪"]), a_family_report(name="李家豪"))
    assert 0 < weight < exact
    assert "other surname" in reason


@pytest.mark.parametrize("nickname", ["勇勇", "小勇", "阿勇"])
def test_a_nickname_alone_points_at_the_given_name(nickname: str) -> None:
    weight, reason = names_of(a_sighting(names=[nickname]), a_family_report())
    exact, _ = names_of(a_sighting(names=["李勇"]), a_family_report())
    assert 0 < weight < exact
    assert "nickname" in reason


def test_a_registered_nickname_matches_by_its_characters() -> None:
    report = a_family_report(name="李家宝", other_names=["毛毛"])
    weight, reason = names_of(a_sighting(names=["毛毛"]), report)
    made_up, _ = names_of(a_sighting(names=["宝宝"]), report)  # any ...宝 may be called 宝宝
    assert weight > made_up > 0
    assert "毛毛 = 毛毛" in reason


def test_a_shared_common_nickname_weighs_less_than_a_rare_one() -> None:
    # In this registry one child in twenty-five is called ...宝, one in a thousand ...勇.
    counts = {"nick:bao": 40, "nick:yong": 1}
    rarity = Rarity(lambda key: counts.get(key, 0), lambda: 1000)
    common = name_evidence(a_sighting(names=["小宝"]), a_family_report(name="王家宝"), rarity)
    rare = name_evidence(a_sighting(names=["小勇"]), a_family_report(), rarity)
    assert 0 < weigh(common) < weigh(rare)


def test_a_misheard_name_matches_weakly() -> None:
    weight, reason = names_of(a_sighting(names=["李永刚"]), a_family_report(name="李勇强"))
    homophone, _ = names_of(a_sighting(names=["李涌强"]), a_family_report(name="李勇强"))
    assert 0 < weight < homophone
    assert "similar pinyin" in reason


# --- age ---------------------------------------------------------------------


def test_a_child_missing_at_four_in_2019_is_about_eleven_in_2026() -> None:
    report = a_family_report()
    grown = a_sighting(age_min=10, age_max=12, seen_on=date(2026, 3, 1))
    still_small = a_sighting(age_min=3, age_max=3, seen_on=date(2026, 3, 1))
    assert age_evidence(grown, report, today=TODAY).score == 1.0
    assert age_evidence(still_small, report, today=TODAY).score == 0.0
    assert score_pair(grown, report).score > score_pair(still_small, report).score


def test_a_birth_year_alone_allows_more_slack() -> None:
    tip = a_sighting(age_min=14, age_max=14, seen_on=date(2026, 3, 1))
    exact = age_evidence(tip, a_family_report(), today=TODAY).score
    year_only = age_evidence(tip, a_family_report(birth_year_only=True), today=TODAY).score
    assert exact is not None and year_only is not None
    assert year_only > exact


def test_without_a_sighting_date_the_age_is_judged_today() -> None:
    tip = a_sighting(age_min=11, age_max=11)
    score = age_evidence(tip, a_family_report(), today=TODAY).score
    assert score is not None and score > 0.99


# --- dialect, marks, sex, timeline ---------------------------------------------


def test_the_childs_dialect_points_to_the_familys_province() -> None:
    tip = a_sighting(candidate_provinces=["四川省", "重庆"])
    assert dialect_evidence(tip, a_family_report(home_province="四川省")).score == 1.0
    elsewhere = a_family_report(home_province="广东", dialect="粤语", missing_place="广东省")
    assert dialect_evidence(tip, elsewhere).score == 0.0


def test_the_province_is_also_read_from_the_place_missing_and_the_dialect() -> None:
    from_place = a_family_report(home_province=None, dialect=None)
    from_dialect = a_family_report(home_province=None, dialect="粤语", missing_place="")
    assert weigh(dialect_evidence(a_sighting(candidate_provinces=["四川"]), from_place)) > 0
    assert weigh(dialect_evidence(a_sighting(candidate_provinces=["广西"]), from_dialect)) > 0


def test_the_same_mark_matches_across_languages() -> None:
    evidence = marks_evidence(
        a_sighting(marks_text="red birthmark on his left cheek"), a_family_report()
    )
    assert evidence.score == 1.0
    assert evidence.reason == "both mention a birthmark on the left face"


def test_a_left_right_conflict_is_penalised() -> None:
    report = a_family_report(marks="左脸有胎记")
    same_side = marks_evidence(a_sighting(marks_text="birthmark on the left cheek"), report)
    no_side = marks_evidence(a_sighting(marks_text="birthmark on the cheek"), report)
    other_side = marks_evidence(a_sighting(marks_text="birthmark on the right cheek"), report)
    assert weigh(other_side) < 0.5 < weigh(no_side) < weigh(same_side)
    assert "the side differs" in other_side.reason


def test_a_rare_mark_counts_more_than_a_common_one() -> None:
    extra_finger = marks_evidence(
        a_sighting(marks_text="右手六指"), a_family_report(marks="extra finger on right hand")
    )
    mole = marks_evidence(
        a_sighting(marks_text="右手有痣"), a_family_report(marks="mole on right hand")
    )
    assert weigh(extra_finger) > weigh(mole) > 0


def test_unknown_sex_is_no_evidence_and_a_mismatch_is_strong() -> None:
    report = a_family_report()
    assert sex_evidence(a_sighting(), report).score is None
    assert sex_evidence(a_sighting(sex="M"), a_family_report(sex=None)).score is None
    assert weigh(sex_evidence(a_sighting(sex="F"), report)) < -2
    assert 0 < weigh(sex_evidence(a_sighting(sex="M"), report)) < 1


def test_a_sighting_before_the_child_went_missing_is_penalised() -> None:
    before = a_sighting(names=["李勇"], seen_on=date(2018, 1, 1))
    after = a_sighting(names=["李勇"], seen_on=date(2020, 1, 1))
    assert weigh(timeline_evidence(before, a_family_report())) < -2
    assert score_pair(before, a_family_report()).score < score_pair(after, a_family_report()).score


# --- the whole pair ------------------------------------------------------------


def test_empty_profiles_give_no_evidence_and_do_not_crash() -> None:
    match = score_pair(a_sighting(), RegistryProfile(case_id="C-0"), today=TODAY)
    found = collect_evidence(
        a_sighting(), RegistryProfile(case_id="C-0"), rarity=Rarity.from_priors(), today=TODAY
    )
    assert all(e.score is None for e in found)
    assert match.reasons == []
    assert 0.0 < match.score < 0.02  # one in 300 before the calibration curve


def test_a_fact_unknown_on_one_side_neither_helps_nor_hurts() -> None:
    tip = a_sighting(names=["李涌"], age_min=11, age_max=11, seen_on=date(2026, 3, 1))
    baseline = score_pair(tip, a_family_report(sex=None, dialect=None)).score
    assert score_pair(tip, a_family_report(sex="M", dialect=None)).score == baseline
    assert score_pair(tip, a_family_report(sex=None, dialect="粤语")).score == baseline


def test_a_strong_match_is_explained_feature_by_feature() -> None:
    tip = a_sighting(
        sex="M", age_min=10, age_max=12, seen_on=date(2026, 3, 1), names=["李涌"],
        candidate_provinces=["四川"], marks_text="red birthmark on the left cheek",
    )  # fmt: skip
    match = score_pair(tip, a_family_report(), today=TODAY)
    assert match.score > 0.95
    shown = [reason_text(r, "en") for r in match.reasons]
    assert any(r.startswith("name 李涌 ~ 李勇 (same pinyin li yong)") for r in shown[:2])
    features = {
        e.feature
        for e in collect_evidence(tip, a_family_report(), rarity=Rarity.from_priors(), today=TODAY)
        if e.score is not None
    }
    assert features == {
        Feature.NAMES,
        Feature.SEX,
        Feature.AGE,
        Feature.DIALECT,
        Feature.MARKS,
        Feature.TIMELINE,
    }
    assert all(reason.endswith("]") for reason in shown)
    assert all(reason_text(r, "zh_CN") != reason_text(r, "en") for r in match.reasons)
