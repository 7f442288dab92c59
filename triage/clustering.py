"""Same child, several tipsters: tips probably about one child, proposed for confirmation."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz
from sqlmodel import Session

from storage import Report, SameChildLink
from storage.reports import append_event
from storage.same_child import link_candidates, links_touching

__all__ = ["LINK_THRESHOLD", "link_same_child", "similarity"]

LINK_THRESHOLD = 0.6
WINDOW = timedelta(days=30)


@lru_cache(maxsize=4096)
def _pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name)).lower().replace(" ", "")


def _names_alike(a: Report, b: Report) -> bool:
    left = [_pinyin(n) for n in (a.names_used or []) + (a.names_given or [])]
    right = [_pinyin(n) for n in (b.names_used or []) + (b.names_given or [])]
    return any(fuzz.ratio(x, y) >= 85 for x in left for y in right if x and y)


def similarity(a: Report, b: Report) -> tuple[float, list[str]]:
    """How likely two tips describe the same child (0–1), and why; 0 when facts conflict."""
    if (
        a.child_sex
        and b.child_sex
        and "not_sure" not in (a.child_sex, b.child_sex)
        and a.child_sex != b.child_sex
    ):
        return 0.0, ["different sex"]
    if None not in (a.child_age_min, a.child_age_max, b.child_age_min, b.child_age_max):
        gap = max(a.child_age_min - b.child_age_max, b.child_age_min - a.child_age_max, 0)  # type: ignore[operator]
        if gap > 2:
            return 0.0, ["ages too far apart"]
    score, reasons = 0.0, list[str]()
    if a.city and a.city == b.city:
        score, reasons = score + 0.3, [*reasons, f"same city {a.city}"]
    elif a.province and a.province == b.province:
        score, reasons = score + 0.15, [*reasons, f"same province {a.province}"]
    if a.seen_on and b.seen_on and abs(a.seen_on - b.seen_on) <= timedelta(days=14):
        score, reasons = score + 0.2, [*reasons, "seen within two weeks of each other"]
    if _names_alike(a, b):
        score, reasons = score + 0.3, [*reasons, "similar names"]
    if a.dialect and a.dialect == b.dialect and a.dialect != "not_sure":
        score, reasons = score + 0.1, [*reasons, f"same dialect {a.dialect}"]
    if a.child_sex and a.child_sex == b.child_sex and a.child_sex != "not_sure":
        score, reasons = score + 0.05, [*reasons, "same sex"]
    if a.child_age_min is not None and b.child_age_min is not None:
        score, reasons = score + 0.05, [*reasons, "ages overlap"]
    return min(score, 1.0), reasons


def _log_proposal(session: Session, report: Report, other: Report, score: float) -> None:
    for tip, linked in ((report, other), (other, report)):
        append_event(
            session=session,
            report_id=tip.id or 0,
            actor="system",
            action="same_child_proposed",
            detail={"other": linked.ref, "score": score},
        )


def link_same_child(*, session: Session, report: Report) -> list[SameChildLink]:
    """Propose links from a tip to earlier open tips about probably the same child."""
    mine = report.id or 0
    existing = {
        (link.report_id, link.other_report_id): link
        for link in links_touching(session=session, report_id=mine)
    }  # one query, not one per candidate
    links = []
    for other in link_candidates(session=session, report=report, window=WINDOW):
        score, reasons = similarity(report, other)
        if score < LINK_THRESHOLD:
            continue
        low, high = sorted((mine, other.id or 0))
        link = existing.get((low, high))
        if link is None:  # a new proposal: both tips' logs say so
            link = SameChildLink(report_id=low, other_report_id=high, score=score)
            _log_proposal(session, report, other, round(score, 3))
        link.score, link.reasons = round(score, 3), reasons
        session.add(link)
        links.append(link)
    session.flush()
    return links
