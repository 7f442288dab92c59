"""The matcher over a registry: ranking, the reverse search, updates and candidate narrowing."""

from __future__ import annotations

from datetime import date, timedelta

from triage.matching import Matcher, RegistryProfile, TipProfile
from triage.matching.index import DEFAULT_BUDGET

TODAY = date(2026, 3, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟勇军杰涛明浩磊强鹏宇俊豪辉超鑫龙飞波斌家子文博轩晨阳凯建志华平东海林峰刚健成亮"
PROVINCES = ["四川", "贵州", "云南", "河南", "广西", "湖南", "安徽", "湖北", "江西", "重庆"]


def a_registry(size: int) -> list[RegistryProfile]:
    """A deterministic synthetic registry in which many children share names."""
    entries = []
    for i in range(size):
        given = GIVEN[i % len(GIVEN)] + ("" if i % 3 == 0 else GIVEN[(i * 7) % len(GIVEN)])
        entries.append(
            RegistryProfile(
                case_id=f"C{i:05d}",
                name=SURNAMES[(i // 7) % len(SURNAMES)] + given,
                other_names=[given[-1] * 2] if i % 2 else [],
                sex="M" if i % 5 else "F",
                birth_date=date(2005, 1, 1) + timedelta(days=(i * 37) % (19 * 365)),
                missing_date=date(2024, 1, 1),
                missing_place=f"{PROVINCES[i % len(PROVINCES)]}省",
                home_province=PROVINCES[i % len(PROVINCES)],
                marks=["左脸有胎记", "右手有疤", "额头有痣", ""][i % 4],
            )
        )
    return entries


def li_yong() -> RegistryProfile:
    """The child we are looking for."""
    return RegistryProfile(
        case_id="LI-YONG",
        name="李勇",
        other_names=["勇勇"],
        sex="M",
        birth_date=date(2015, 3, 1),
        missing_date=date(2019, 5, 1),
        missing_place="四川省凉山州",
        home_province="四川",
        marks="左脸有胎记",
    )


def a_sighting_of_li_yong(names: tuple[str, ...] = ()) -> TipProfile:
    """Someone saw a boy of about eleven who speaks Sichuanese and has a birthmark."""
    return TipProfile(
        tip_id="T-1",
        sex="M",
        age_min=10,
        age_max=12,
        seen_on=TODAY,
        candidate_provinces=["四川"],
        marks_text="birthmark on his left cheek",
        names=list(names),
    )


def test_the_true_match_ranks_first_and_results_are_ordered() -> None:
    matcher = Matcher([*a_registry(500), li_yong()], today=TODAY)
    matches = matcher.rank(a_sighting_of_li_yong(names=("李涌",)), limit=5)
    assert [m.case_id for m in matches][:1] == ["LI-YONG"]
    assert len(matches) == 5
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0.0 <= m.score <= 1.0 and m.tip_id == "T-1" for m in matches)


def test_a_tip_without_names_still_finds_the_child_by_province_age_and_marks() -> None:
    matcher = Matcher([*a_registry(2000), li_yong()], today=TODAY)
    matches = matcher.rank(a_sighting_of_li_yong(), limit=5)
    assert "LI-YONG" in [m.case_id for m in matches]
    assert matcher.last_scored <= DEFAULT_BUDGET


def test_an_empty_tip_finds_nothing() -> None:
    matcher = Matcher(a_registry(100), today=TODAY)
    assert matcher.rank(TipProfile(tip_id="T-0")) == []


def test_a_new_registry_entry_is_ranked_against_open_tips() -> None:
    matcher = Matcher(a_registry(200), today=TODAY)
    tips = [
        TipProfile(tip_id="T-other", names=["张伟"], sex="F"),
        a_sighting_of_li_yong(names=("勇勇",)),
        TipProfile(tip_id="T-empty"),
    ]
    matches = matcher.rank_tips(li_yong(), tips, limit=2)
    assert [m.tip_id for m in matches] == ["T-1", "T-empty"]
    assert matches[0].case_id == "LI-YONG"


def test_added_entries_are_found_and_replaced_entries_are_updated() -> None:
    matcher = Matcher(a_registry(200), today=TODAY)
    tip = a_sighting_of_li_yong(names=("李涌",))
    assert "LI-YONG" not in [m.case_id for m in matcher.rank(tip)]
    matcher.add(li_yong())
    assert matcher.rank(tip)[0].case_id == "LI-YONG"
    matcher.add(RegistryProfile(case_id="LI-YONG", name="李勇", sex="F"))
    assert len(matcher) == 201
    assert matcher.rank(tip)[0].case_id != "LI-YONG"
    matcher.remove("LI-YONG")
    assert len(matcher) == 200


def test_the_index_narrows_twenty_thousand_entries_to_a_few_hundred() -> None:
    matcher = Matcher([*a_registry(20_000), li_yong()], today=TODAY)
    matches = matcher.rank(a_sighting_of_li_yong(names=("勇勇",)), limit=5)
    assert matches[0].case_id == "LI-YONG"
    assert 0 < matcher.last_scored <= DEFAULT_BUDGET
    assert matcher.last_scored < 20_000 / 50
