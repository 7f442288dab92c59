"""Explainable matching of sightings against missing-child reports.

A `Matcher` narrows the registry with inverted indexes (`index`, `keys`), asks each feature
(`names`, `age`, `sex`, `dialect`, `marks`, `timeline`) how likely the tip's words are if
this entry is the child, against any child of the registry (a heard name's ways in
`name_channels`, how common a name or a province is in `rarity`), sums the
log-likelihood ratios (`scoring`) and turns them into calibrated probabilities
(`calibration`): a score of 0.5 means "more likely than not". Each verdict's reason is a
catalogue key with parameters (`reasons`), so coordinators read it in their language. The
worker keeps one Matcher per database warm (`triage/registry_index.py`); the benchmark
(`bench/matching.py`) compares it with the Bayes-optimal ranking of its own generator.
"""

from storage import RegistryKind
from triage.matching.evidence import Evidence, Feature, Reliability
from triage.matching.index import CandidateIndex
from triage.matching.profiles import Match, RegistryProfile, Sex, TipProfile
from triage.matching.ranking import Matcher
from triage.matching.rarity import Rarity
from triage.matching.scoring import score_pair

__all__ = [
    "CandidateIndex",
    "Evidence",
    "Feature",
    "Match",
    "Matcher",
    "Rarity",
    "RegistryKind",
    "RegistryProfile",
    "Reliability",
    "Sex",
    "TipProfile",
    "score_pair",
]
