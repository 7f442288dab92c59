"""Same-child links as coordinators read them: the other tip, the score, the reasons as phrases.

`triage.clustering` stores a link's reasons as short English sentences ("same city 成都市");
`link_reason` turns each into a catalogue phrase (`review.link.same_city`, its place), so the
dashboard, the CLI and JSON read them in any language. Text it does not know stays as stored.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from handlers.phrases import is_phrase, phrase
from storage.review_reads import links_of

__all__ = ["link_reason", "links_as_json"]

_PLAIN = {
    "different sex": "different_sex",
    "ages too far apart": "ages_apart",
    "seen within two weeks of each other": "seen_near",
    "similar names": "similar_names",
    "same sex": "same_sex",
    "ages overlap": "ages_overlap",
}
_SAME = {
    "city": "review.link.same_city",
    "province": "review.link.same_province",
    "dialect": "review.link.same_dialect",
}
_WITH_VALUE = re.compile(r"same (?P<what>city|province|dialect) (?P<value>.+)")


def link_reason(stored: object) -> object:
    """A stored link reason as a phrase; a phrase or unknown text as it is."""
    if is_phrase(stored) or not isinstance(stored, str):
        return stored
    if stored in _PLAIN:
        return phrase(f"review.link.{_PLAIN[stored]}")
    if found := _WITH_VALUE.fullmatch(stored):
        value: object = found["value"]
        if found["what"] == "dialect":
            value = phrase(f"choice.dialect.{value}")
        return phrase(_SAME[found["what"]], value=value)
    return stored


def links_as_json(session: Session, report_id: int) -> list[dict[str, Any]]:
    """A tip's same-child links as `{ref, score, reasons, status}`, most likely first."""
    return [
        {
            "ref": other.ref,
            "score": link.score,
            "reasons": [link_reason(r) for r in link.reasons],
            "status": link.status,
        }
        for link, other in links_of(session=session, report_id=report_id)
    ]
