"""An urgency reason as stored (``seen_week:+8``, ``imminent``) turned into a phrase.

`triage.urgency` stores each reason as its catalogue key with its points; tips assessed
before that carry the English sentence ("seen in the last week (+8)"), read back here too.
"""

from __future__ import annotations

import re

from handlers.phrases import is_phrase, phrase
from triage.urgency import IMMINENT

__all__ = ["reason_phrase"]

_STORED = re.compile(r"(?P<key>[a-z_]+):(?P<points>[+-]\d+)")
_OLD = re.compile(r"(?P<reason>.+) \((?P<points>[+-]\d+)\)")
_OLD_IMMINENT = "IMMINENT: child in danger now"
# The English reasons stored before reasons were keys.
_OLD_KEYS = {
    "child is there now": "there_now",
    "child lives nearby": "lives_nearby",
    "seen in the last 24 hours": "seen_day",
    "seen in the last week": "seen_week",
    "seen more than 90 days ago": "seen_long_ago",
    "very young child (5 or under)": "very_young",
    "young child (10 or under)": "young",
    "injuries": "injuries",
    "afraid of the adults": "afraid",
    "asked to go home": "wants_home",
    "being moved / arrived recently": "arrived_recently",
    "begging or working": "begging_working",
    "doesn't know where they are": "lost_place",
    "several signs together": "several_signs",
    "gave a different name": "different_name",
    "speaks differently from locals": "dialect_differs",
    "precise location": "precise_location",
}


def _with_points(key: str, points: str) -> object:
    reason = phrase(f"urgency.reason.{key}")
    return phrase("urgency.points", reason=reason, points=int(points))


def reason_phrase(stored: object) -> object:
    """A stored reason as a phrase (a key with its points); text it can't read, as it is."""
    if is_phrase(stored) or not isinstance(stored, str):
        return stored
    if stored in (IMMINENT, _OLD_IMMINENT):
        return phrase(f"urgency.reason.{IMMINENT}")
    if found := _STORED.fullmatch(stored):
        return _with_points(found["key"], found["points"])
    if (found := _OLD.fullmatch(stored)) and found["reason"] in _OLD_KEYS:
        return _with_points(_OLD_KEYS[found["reason"]], found["points"])
    return stored
