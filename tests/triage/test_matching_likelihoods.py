"""Each feature weighs how likely the tip is if this is the child, against any other child."""

from __future__ import annotations

from datetime import date

from tests.triage.test_matching import TODAY, a_family_report, a_sighting
from triage.matching import Matcher, RegistryProfile
from triage.matching.dialect import dialect_evidence
from triage.matching.mark_terms import read_marks
from triage.matching.marks import marks_evidence
from triage.matching.names import name_evidence
from triage.matching.rarity import Rarity
from triage.matching.scoring import weigh


def a_registry_counting(counts: dict[str, int], size: int = 10_000) -> Rarity:
    """A registry of `size` entries in which some keys are filed so many times."""
    return Rarity(lambda key: counts.get(key, 0), lambda: size)


def names_weight(heard: list[str], registered: str, rarity: Rarity) -> float:
    """The name feature's log-likelihood ratio for a name heard from the adults."""
    return weigh(name_evidence(a_sighting(names=heard), a_family_report(name=registered), rarity))


# --- names: the registered name, or another way the name came -------------------


def test_a_shared_name_tells_less_the_more_children_carry_it() -> None:
    # Adults may have given the child a new name: a namesake of a common one is likely chance.
    rarity = a_registry_counting({"full:wang wei": 60, "chars:王伟": 60, "full:li yong": 2})
    common, rare = names_weight(["王伟"], "王伟", rarity), names_weight(["李勇"], "李勇", rarity)
    assert 0 < common < rare - 2


def test_a_name_unlike_the_entrys_costs_what_renaming_makes_likely() -> None:
    rarity = a_registry_counting({"full:zhang san": 1})
    assert -1.5 < names_weight(["张三"], "李勇", rarity) < 0


def test_another_surname_is_as_likely_as_that_surname_is_common() -> None:
    # Children taken are often given the new family's surname: 王 is common, 欧阳 is not.
    rarity = a_registry_counting({"sur:wang": 700, "sur:ou yang": 5})
    common = names_weight(["王家豪"], "李家豪", rarity)
    rare = names_weight(["欧阳家豪"], "李家豪", rarity)
    assert common > rare


def test_the_childs_own_name_unlike_the_entry_leaves_the_adults_name_to_chance() -> None:
    tip = a_sighting(names=["李勇"], given_names=["张敏"])
    alone = a_sighting(names=["李勇"])
    rarity = Rarity.from_priors()
    assert weigh(name_evidence(tip, a_family_report(), rarity)) < 0
    assert weigh(name_evidence(alone, a_family_report(), rarity)) > 3


# --- dialect: as telling as its families are few ---------------------------------


def test_a_dialect_shared_by_many_registered_families_tells_less() -> None:
    rarity = a_registry_counting({"h:四川": 3000, "h:甘肃": 100})
    sichuan = a_sighting(dialect="四川话", candidate_provinces=["四川"])
    gansu = a_sighting(dialect="甘肃话", candidate_provinces=["甘肃"])
    from_sichuan = a_family_report(home_province="四川", dialect=None)
    from_gansu = a_family_report(home_province="甘肃", dialect=None)
    common = weigh(dialect_evidence(sichuan, from_sichuan, rarity))
    rare = weigh(dialect_evidence(gansu, from_gansu, rarity))
    assert 0 < common < rare


def test_a_dialect_named_after_a_province_points_there_first() -> None:
    tip = a_sighting(dialect="四川话", candidate_provinces=["四川", "重庆"])
    weights = [
        weigh(dialect_evidence(tip, a_family_report(home_province=home, dialect=None)))
        for home in ("四川", "重庆", "广东")
    ]
    assert weights == sorted(weights, reverse=True) and weights[1] > 0 > weights[2]


def test_a_family_that_lost_the_child_elsewhere_is_less_surely_from_there() -> None:
    tip = a_sighting(candidate_provinces=["四川"])
    home = a_family_report(home_province="四川", dialect=None)
    lost_there = a_family_report(home_province=None, dialect=None, missing_place="四川省凉山州")
    assert weigh(dialect_evidence(tip, home)) > weigh(dialect_evidence(tip, lost_there)) > 0


# --- marks: described, listed, or neither ----------------------------------------


def test_a_mark_the_entry_does_not_list_counts_against() -> None:
    tip = a_sighting(marks_text="左手有一道疤")
    none_listed = marks_evidence(tip, a_family_report(marks=""))
    another = marks_evidence(tip, a_family_report(marks="额头有痣"))
    assert weigh(none_listed) < 0 and weigh(another) < 0
    assert "lists no mark" in none_listed.reason


def test_registered_marks_the_tip_does_not_mention_count_only_a_little() -> None:
    evidence = marks_evidence(a_sighting(), a_family_report(marks="左脸有胎记"))
    assert -1 < weigh(evidence) < 0
    assert "mentions none of the marks" in evidence.reason


def test_a_side_said_of_a_mark_registered_without_one_fits_seldom() -> None:
    # A family that knows the side mostly lists it: an unlisted side is seldom there to see.
    tip = a_sighting(marks_text="左耳后有青记")
    sided = marks_evidence(tip, a_family_report(marks="左耳朵有胎记"))
    unsided = marks_evidence(tip, a_family_report(marks="耳朵有胎记"))
    assert weigh(sided) > weigh(unsided) + 2 > 2


def test_a_mark_described_without_a_side_fits_one_registered_without_a_side_best() -> None:
    tip = a_sighting(marks_text="脸上有胎记")  # a tipster who saw the side mostly says it
    unsided = marks_evidence(tip, a_family_report(marks="脸颊有青记"))
    sided = marks_evidence(tip, a_family_report(marks="左面部有青记"))
    assert weigh(unsided) > weigh(sided) + 0.5 > 0.5


def test_six_fingers_are_on_a_hand_and_six_toes_on_a_foot() -> None:
    assert read_marks("六指")[0].parts == {"hand"}
    assert read_marks("六趾")[0].parts == {"foot"}
    tip = a_sighting(marks_text="左六指")
    hand = marks_evidence(tip, a_family_report(marks="an extra finger on the left hand"))
    foot = marks_evidence(tip, a_family_report(marks="左脚多一个脚趾"))
    assert weigh(hand) > weigh(foot) + 3


# --- narrowing: without names, the likeliest ages first -----------------------------


def test_a_tip_without_names_narrows_to_the_children_of_the_right_age() -> None:
    # Four hundred boys from 四川 born over eight years; the tip saw a boy of about six.
    boys = [
        a_family_report(
            case_id=f"B{i:03d}",
            name=f"王{i}",
            marks="",
            birth_date=date(2016 + i % 8, 1 + i % 12, 1),
            missing_date=date(2023, 1, 1),
        )  # fmt: skip
        for i in range(400)
    ]
    matcher = Matcher(boys, budget=60, today=TODAY)
    tip = a_sighting(sex="M", age_min=6, age_max=6, seen_on=TODAY, candidate_provinces=["四川"])
    found = matcher.rank(tip, limit=60)
    born = [matcher_entry_year(boys, m.case_id) for m in found]
    assert born and all(year in (2019, 2020) for year in born)


def matcher_entry_year(entries: list[RegistryProfile], case_id: str) -> int:
    """The birth year of an entry of the registry."""
    entry = next(e for e in entries if e.case_id == case_id)
    assert entry.birth_date is not None
    return entry.birth_date.year
