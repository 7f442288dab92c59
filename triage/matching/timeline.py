"""Timeline and place evidence: a child cannot be seen as missing before going missing."""

from __future__ import annotations

from datetime import timedelta

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.regions import canonical_province, provinces_in

# Dates in both reports are often approximate; only a clear contradiction counts.
_DATE_SLACK = timedelta(days=31)


def timeline_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """Seen after going missing agrees; seen well before is a strong contradiction."""
    if tip.seen_on is None or entry.missing_date is None:
        return no_evidence(Feature.TIMELINE, "dates unknown")
    if tip.seen_on + _DATE_SLACK < entry.missing_date:
        why = f"seen {tip.seen_on} before missing {entry.missing_date}"
        return Evidence(Feature.TIMELINE, 0.0, why)
    return Evidence(Feature.TIMELINE, 1.0, f"seen after missing {entry.missing_date:%Y-%m}")


def place_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """A mild bonus when seen in the province the child went missing from; else nothing."""
    seen = canonical_province(tip.province or "") or next(iter(provinces_in(tip.city or "")), None)
    if seen is None:
        return no_evidence(Feature.PLACE, "place seen unknown")
    # Children are often moved far away, so seeing them elsewhere says little.
    if seen in provinces_in(entry.missing_place):
        return Evidence(Feature.PLACE, 1.0, f"seen in {seen}, where the child went missing")
    return no_evidence(Feature.PLACE, "seen in another province")
