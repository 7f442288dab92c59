"""One small case per cause of the misses the matching issue found (a test per mechanism)."""

from __future__ import annotations

from datetime import date

from tests.triage.test_matching import TODAY, a_family_report, a_sighting, names_of
from triage.matching import CandidateIndex, Matcher, RegistryProfile
from triage.matching.age import age_evidence
from triage.matching.dialect import dialect_evidence
from triage.matching.marks import marks_evidence
from triage.matching.names import name_evidence, unregistered_name_llr
from triage.matching.rarity import Rarity
from triage.matching.scoring import weigh, weigh_pair

MANDARIN = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "山东", "河南",
            "陕西", "甘肃", "宁夏", "青海", "新疆", "安徽"]  # fmt: skip


def test_the_registered_dialect_is_compared_with_the_childs() -> None:
    tip = a_sighting(dialect="闽南话", candidate_provinces=["福建", "广东"])
    minnan = a_family_report(home_province=None, dialect="闽南话", missing_place="")
    hakka = a_family_report(home_province=None, dialect="客家话", missing_place="")
    same, other = dialect_evidence(tip, minnan), dialect_evidence(tip, hakka)
    assert weigh(same) > weigh(other) and "as registered" in same.reason


def test_a_dialect_spoken_in_many_provinces_barely_separates_children() -> None:
    broad = dialect_evidence(
        a_sighting(candidate_provinces=MANDARIN),
        a_family_report(home_province="河南", dialect=None),
    )
    narrow = dialect_evidence(
        a_sighting(candidate_provinces=["河南"]),
        a_family_report(home_province="河南", dialect=None),
    )
    assert 0 <= weigh(broad) < 0.5 < weigh(narrow)


def test_the_family_province_is_its_home_not_every_province_its_dialect_reaches() -> None:
    # A family from 广东 who speak 粤语: a child speaking 广西's 白话 is no full agreement.
    family = a_family_report(home_province="广东", dialect="粤语", missing_place="广东省东莞市")
    evidence = dialect_evidence(a_sighting(candidate_provinces=["广西"]), family)
    assert weigh(evidence) < 0 and "广西" not in evidence.reason.split(";")[-1]


def test_a_searching_adults_home_is_not_the_familys_province() -> None:
    searcher = a_family_report(kind="child_seeking_family", home_province="河北", dialect="四川话")
    evidence = dialect_evidence(a_sighting(candidate_provinces=["四川"]), searcher)
    assert evidence.score == 1.0 and "河北" not in evidence.reason


def test_marks_are_read_in_other_words_and_either_language() -> None:
    registered = a_family_report(marks="左脚六个脚趾")
    said = marks_evidence(a_sighting(marks_text="six toes on the left foot"), registered)
    short = marks_evidence(a_sighting(marks_text="左脚六指"), registered)
    assert said.score == 1.0 and weigh(said) > 3
    assert weigh(short) > 1


def test_the_same_mark_text_never_counts_against() -> None:
    for text in ["脸上有东西", "左脸和右手都有痣", "有疤", "right hand scar, left hand scar"]:
        evidence = marks_evidence(a_sighting(marks_text=text), a_family_report(marks=text))
        assert evidence.score is None or weigh(evidence) > 0, text


def test_being_seen_where_the_child_went_missing_adds_nothing() -> None:
    here = a_sighting(names=["李勇"], province="四川", city="凉山")
    elsewhere = a_sighting(names=["李勇"], province="广东", city="东莞")
    rarity = Rarity.from_priors()
    entry = a_family_report()
    assert weigh_pair(here, entry, rarity=rarity, today=TODAY).log_likelihood_ratio == (
        weigh_pair(elsewhere, entry, rarity=rarity, today=TODAY).log_likelihood_ratio
    )


def test_a_child_named_x_beats_a_stranger_registered_as_little_x() -> None:
    child = a_family_report(case_id="CHILD", name="李勇", other_names=[])
    stranger = a_family_report(case_id="OTHER", name="王强", other_names=["小勇"])
    matcher = Matcher([child, stranger], today=TODAY)
    assert matcher.rank(a_sighting(names=["李涌"]))[0].case_id == "CHILD"


def test_the_childs_own_name_disagreeing_is_not_outweighed_by_the_adults_name() -> None:
    weight, reason = names_of(a_sighting(names=["李勇"], given_names=["张敏"]), a_family_report())
    assert weight < 0 and "child's name 张敏" in reason


def test_a_two_character_name_may_be_a_given_name_after_a_rare_surname() -> None:
    weight, reason = names_of(a_sighting(names=["阳欣"]), a_family_report(name="王阳欣"))
    assert weight > 2 and "given name of 王阳欣" in reason


def test_a_doubled_sound_is_not_a_nickname_unless_the_characters_repeat() -> None:
    score, reason = names_of(a_sighting(names=["陈晨"]), a_family_report(name="黄晨"))
    assert "other surname" in reason


def test_a_shared_nickname_alone_alerts_nobody() -> None:
    registry = [
        a_family_report(
            case_id=f"C{i}",
            name=f"王{'伟强军杰涛明浩磊'[i % 8]}{i}",
            other_names=["毛毛"],
            birth_date=date(2012 + i % 6, 1 + i % 12, 1),
        )  # fmt: skip
        for i in range(60)
    ]
    best = Matcher(registry, today=TODAY).rank(a_sighting(names=["毛毛"]))[0]
    assert best.score < 0.5


def test_narrowing_keeps_the_child_among_many_namesakes() -> None:
    namesakes: list[RegistryProfile] = [
        a_family_report(case_id=f"N{i}", marks="", other_names=["勇勇"]) for i in range(400)
    ]
    child = a_family_report(case_id="CHILD", marks="左手六指")
    matcher = Matcher([*namesakes, child], today=TODAY)
    found = matcher.rank(a_sighting(names=["李勇"], marks_text="左手多一根手指"))
    assert found[0].case_id == "CHILD"


def test_among_many_sharing_a_common_name_the_rest_of_the_tip_picks_who_is_scored() -> None:
    # 60 girls called ...敏 from elsewhere, 60 boys of the right age and place with the mark
    # the tipster saw, and the child (sex not registered), filed last.
    namesakes = [
        a_family_report(case_id=f"N{i}", name="王敏", sex="F", birth_date=date(2009, 1, 1),
                        home_province="广东", dialect=None, missing_place="广东省", marks="")
        for i in range(60)
    ]  # fmt: skip
    strangers = [a_family_report(case_id=f"S{i}", name="张强") for i in range(60)]
    child = a_family_report(case_id="CHILD", name="马敏", sex=None, marks="")
    index = CandidateIndex([*namesakes, *strangers, child])
    tip = a_sighting(
        names=["敏敏"], sex="M", age_min=10, age_max=11, seen_on=TODAY,
        candidate_provinces=["四川"], marks_text="左脸有红色胎记",
    )  # fmt: skip
    scored = {e.case_id for e in index.candidates(tip, today=TODAY, budget=30)}
    assert "CHILD" in scored


def test_a_dialect_the_tipster_chose_reads_as_its_name_not_its_key() -> None:
    # The tipster tapped 四川话 / 西南官话: the profile carries the group id "southwestern".
    tip = a_sighting(dialect="southwestern", candidate_provinces=["四川", "重庆"])
    evidence = dialect_evidence(tip, a_family_report(home_province="四川", dialect="四川话"))
    chinese = evidence.why.text("zh_CN")
    assert "southwestern" not in chinese and "西南官话" in chinese
    assert "Southwestern Mandarin" in evidence.why.text("en")


def test_a_province_counts_its_families_not_the_children_lost_there() -> None:
    # Families lose children where they work: fifty children from 四川 lost in 广东 make no
    # dialect of 广东 commoner among the registry's families.
    tip = a_sighting(dialect="客家话", candidate_provinces=["广东"])
    family = a_family_report(case_id="GD", home_province="广东", dialect=None)
    weights = []
    for lost_in in ("四川省", "广东省"):
        others = [
            a_family_report(case_id=f"S{i}", home_province="四川", missing_place=lost_in)
            for i in range(50)
        ]
        rarity = CandidateIndex([*others, family]).rarity
        weights.append(weigh(dialect_evidence(tip, family, rarity)))
    assert weights[0] == weights[1] > 0


def test_a_registered_dialect_unlike_the_childs_counts_against_a_family_of_that_province() -> None:
    tip = a_sighting(dialect="白话", candidate_provinces=["广东", "广西"])
    unsaid = a_family_report(home_province="广东", dialect=None)
    hakka = a_family_report(home_province="广东", dialect="客家话")
    assert weigh(dialect_evidence(tip, hakka)) < 0 < weigh(dialect_evidence(tip, unsaid))
    # 重庆话 and 四川话 are one tongue under two names: no contradiction, a weaker fit.
    chongqing = a_sighting(dialect="重庆话", candidate_provinces=["重庆"])
    sichuan = a_family_report(home_province="四川", dialect="四川话")
    assert weigh(dialect_evidence(chongqing, sichuan)) > weigh(dialect_evidence(tip, hakka))


def test_a_new_name_is_a_boys_or_a_girls_as_the_registry_names_them() -> None:
    # 娜 is a girl's name in this registry: a new name 王娜 heard speaks for a girl, not a boy.
    girls = [
        a_family_report(case_id=f"G{i}", name=f"{'陈林周'[i % 3]}娜", sex="F") for i in range(30)
    ]
    boys = [a_family_report(case_id=f"B{i}", name=f"{'陈林周'[i % 3]}伟") for i in range(30)]
    rarity = CandidateIndex([*girls, *boys]).rarity
    tip = a_sighting(names=["王娜"])
    girl = weigh(name_evidence(tip, a_family_report(name="赵雪", sex="F"), rarity))
    boy = weigh(name_evidence(tip, a_family_report(name="赵强", sex="M"), rarity))
    assert boy < girl - 1 and girl < 1


def test_a_doubled_given_name_heard_alone_is_the_given_name_not_a_nickname() -> None:
    # 静静 is a nickname pattern, and also the whole given name of 周静静.
    weight, why = names_of(a_sighting(names=["静静"]), a_family_report(name="周静静", sex="F"))
    nickname, _ = names_of(a_sighting(names=["静静"]), a_family_report(name="王静", sex="F"))
    assert weight > nickname and "given name" in why


def test_a_mark_the_family_listed_twice_fits_better_than_once_beside_another() -> None:
    tip = a_sighting(marks_text="脑门有一颗痣")
    twice = a_family_report(marks="脑门有一颗痣，a dark mole on the right forehead")
    beside = a_family_report(marks="脑门有一颗痣，右手有疤")
    assert weigh(marks_evidence(tip, twice)) > weigh(marks_evidence(tip, beside)) > 0


def test_a_child_whose_sex_the_tipster_mistook_is_still_scored_among_namesakes() -> None:
    # 60 boys called 王敏 of another age and place, 60 boys of the right age and place, and
    # the child, a girl the tipster took for a boy.
    namesakes = [
        a_family_report(case_id=f"N{i}", name="王敏", birth_date=date(2009, 1, 1),
                        home_province="广东", dialect=None, missing_place="广东省", marks="")
        for i in range(60)
    ]  # fmt: skip
    strangers = [a_family_report(case_id=f"S{i}", name="张强") for i in range(60)]
    child = a_family_report(case_id="CHILD", name="马敏", sex="F", marks="")
    index = CandidateIndex([*namesakes, *strangers, child])
    tip = a_sighting(
        names=["敏敏"], sex="M", age_min=10, age_max=11, seen_on=TODAY,
        candidate_provinces=["四川"],
    )  # fmt: skip
    scored = {e.case_id for e in index.candidates(tip, today=TODAY, budget=30)}
    assert "CHILD" in scored


def test_a_name_one_registered_child_carries_makes_not_registered_unlikelier() -> None:
    # The registry counts 欧阳瀚 once in its size; a child outside it is named so only as
    # often as 欧阳 times 瀚, both rare. A name of common parts changes nothing.
    common = [
        a_family_report(case_id=f"N{i}-{s}{g}", name=s + g)
        for s in "王李张刘"
        for g in "伟娜敏洋"
        for i in range(100)
    ]
    rarity = CandidateIndex([*common, a_family_report(case_id="CHILD", name="欧阳瀚")]).rarity
    rare = unregistered_name_llr(a_sighting(names=["欧阳瀚"]), rarity)
    usual = unregistered_name_llr(a_sighting(names=["王伟"]), rarity)
    assert rare < -2 and abs(usual) < 0.5


def test_an_age_no_registered_child_has_reached_counts_against_none_of_them() -> None:
    # Children born 2012-2016: a tip saying 25 is a wrong guess about any of them, not proof
    # against the oldest; a tip saying 12 still separates the 12-year-old from the 9-year-old.
    registry = [
        a_family_report(case_id=f"C{year}-{i}", birth_date=date(year, 3, 1))
        for year in range(2012, 2017)
        for i in range(600)
    ]
    rarity = CandidateIndex(registry).rarity
    oldest, younger = registry[0], registry[-1]
    said_25 = age_evidence(a_sighting(age_min=25, age_max=25), oldest, today=TODAY, rarity=rarity)
    said_12 = [
        age_evidence(a_sighting(age_min=12, age_max=12), entry, today=TODAY, rarity=rarity)
        for entry in (registry[1200], younger)
    ]
    evenly = age_evidence(a_sighting(age_min=25, age_max=25), oldest, today=TODAY)
    assert weigh(evenly) < -2 < -1 < weigh(said_25) < 0
    assert weigh(said_12[0]) > 0 > weigh(said_12[1])
