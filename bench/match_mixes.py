"""How tips arise from a sighted child: the mixes of probabilities the tip side draws with.

Tips (sighted in the last year, in a province drawn independently of the child: children are
moved on purpose) come in two mixes (`Mix`, `--mix` of `python -m bench.matching`):

`hard` (the default): sex given 80% (3% wrong); apparent age = true age + N(0, 0.3 + 0.1
age), 15% a wrong age (uniform 1-17), shown as a range of width 0-2; the child's dialect 65%
(80% the home province's, else another one picked up elsewhere); one of the child's marks
60% (other words, often the other language, the side dropped 30%), a spurious mark 10%;
names by NAME_SCENARIOS below (a nickname tip gives the registered nickname 70%, else
XX/小X/阿X made from the given name). 20% of tips are of a child who is not registered.
Its Bayes-optimal ceiling (seed 20261207, 20,000 entries): recall@1 0.576, recall@5 0.711.

`reference`: the perturbations the matching issue's unseen set lists, and only those
(homophone characters, pinyin only, the given name only, a nickname only, age drift, a
dialect instead of the home province, marks in other words, seen far from home; 80
registered children in 100 tips, 20 not), so no renamed child and no tip without a name:
the name exact 10%, a homophone 15%, pinyin 10%, the given name 30%, a nickname 35%; sex
given 50% (3% wrong); the age error 1.5 times the hard mix's, 3% a wrong
age; the dialect 90% (80% the home province's); one of the child's marks 80%, a spurious
mark 5%. The registry is the same. These shares were chosen by the ceiling alone, never by
the matcher's result, so that the ceiling lands near the unseen set's (recall@1 0.774,
recall@5 0.926): here 0.762 / 0.921 at seed 20261207, 0.788 / 0.921 at seed 7 (README).
The gap between the two is hard to widen on this generator: its names collide more (Zipf
given names, 45% of one character), so fewer of its tips are near-ties among a handful of
namesakes; the sex given half the time and the wider age error are what open it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HARD", "MIXES", "NAME_SCENARIOS", "REFERENCE", "Mix"]


@dataclass(frozen=True)
class Mix:
    """How tips arise from a sighted child: every probability the tip side draws with."""

    names: dict[str, float]  # share of tips by the names the tipster heard (NAME_SCENARIOS)
    p_sex: float = 0.8  # the sex given
    p_sex_right: float = 0.97  # and right
    p_wrong_age: float = 0.15  # a wrong age (uniform 1-17) instead of one around the true age
    age_drift: float = 1.0  # the apparent age's error around the true age, times 0.3 + 0.1 age
    p_dialect: float = 0.65  # the child's dialect given
    p_home_dialect: float = 0.8  # the home province's, else one picked up elsewhere
    p_mark: float = 0.6  # one of the child's marks described (if any)
    p_spurious: float = 0.1  # a mark of anyone described instead
    p_side_kept: float = 0.7  # a mark's side said
    p_unregistered: float = 0.2  # the child seen is not registered
    p_registered_nickname: float = 0.7  # a nickname tip: the registered one, else XX/小X/阿X


NAME_SCENARIOS = {  # share of tips (the names the tipster heard)
    "exact": 0.08, "homophone": 0.14, "pinyin": 0.08, "given_only": 0.10, "nickname": 0.12,
    "surname_changed": 0.10, "child_and_new": 0.10, "new_name_only": 0.16, "no_names": 0.12,
}  # fmt: skip
HARD = Mix(NAME_SCENARIOS)
REFERENCE = Mix(
    {"exact": 0.1, "homophone": 0.15, "pinyin": 0.1, "given_only": 0.3, "nickname": 0.35,
     "surname_changed": 0.0, "child_and_new": 0.0, "new_name_only": 0.0, "no_names": 0.0},
    p_sex=0.5,
    p_wrong_age=0.03,
    age_drift=1.5,
    p_dialect=0.9,
    p_mark=0.8,
    p_spurious=0.05,
)  # fmt: skip
MIXES = {"hard": HARD, "reference": REFERENCE}
