"""Why the workflow moved a tip's status by itself (claiming, referring, an outcome), as phrases.

Stored as the `reason` of a `status_changed` event, beside the reasons coordinators type;
`cause_phrase` reads back the English words stored before these were phrases.
"""

from __future__ import annotations

import re

from handlers.phrases import Phrase, phrase

__all__ = ["CLAIMED", "cause_phrase", "on_outcome", "referred_to"]

CLAIMED = phrase("record.because.claimed")
_OLD_REFERRED = re.compile(r"referred to (?P<kind>police|ngo|dna_sampling)")


def referred_to(kind: str) -> Phrase:
    """A tip went to the police, a partner or DNA sampling, so it is now referred."""
    return phrase("record.because.referred", kind=phrase(f"workflow.referral.{kind}"))


def on_outcome(kind: str) -> Phrase:
    """An outcome (reunited, not the child, no trace) was recorded, so the tip is closed."""
    return phrase("record.because.outcome", outcome=phrase(f"outcome.kind.{kind}"))


def cause_phrase(stored: object) -> object:
    """A stored status reason; "claimed" or "referred to police" of older rows as phrases."""
    if stored == "claimed":
        return CLAIMED
    found = _OLD_REFERRED.fullmatch(stored) if isinstance(stored, str) else None
    return referred_to(found["kind"]) if found else stored
