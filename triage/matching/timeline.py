"""Timeline evidence: a child cannot be seen as missing before going missing.

Where the child was seen is no evidence: children are moved across provinces on purpose, so
a sighting near where one went missing says nothing about which child it is.
"""

from __future__ import annotations

from datetime import timedelta

from triage.matching.evidence import Evidence, Feature, no_evidence
from triage.matching.profiles import RegistryProfile, TipProfile
from triage.matching.reasons import reason

# Dates in both reports are often approximate; only a clear contradiction counts.
_DATE_SLACK = timedelta(days=31)


def timeline_evidence(tip: TipProfile, entry: RegistryProfile) -> Evidence:
    """Seen after going missing agrees; seen well before is a strong contradiction."""
    if tip.seen_on is None or entry.missing_date is None:
        return no_evidence(Feature.TIMELINE)
    if tip.seen_on + _DATE_SLACK < entry.missing_date:
        why = reason(
            "timeline.before", seen=tip.seen_on.isoformat(), missing=entry.missing_date.isoformat()
        )
        return Evidence(Feature.TIMELINE, 0.0, why)
    why = reason("timeline.after", missing=f"{entry.missing_date:%Y-%m}")
    return Evidence(Feature.TIMELINE, 1.0, why)
