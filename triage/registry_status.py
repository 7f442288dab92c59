"""A registry case's status following what came of its tips: found, then reunited, never back.

When "found" or "reunited" is recorded on a tip (or on every tip of a case) whose child a
coordinator confirmed as a registry entry — on that tip or on any tip of its confirmed
same-child group — the entry moves on to that status, in its own log under the
coordinator's name. It never moves back (reunited stays reunited), and an entry a lead
closed stays closed: closing is their decision, not an outcome's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from storage import EntryStatus, RegistryEntry, Report, utcnow
from storage.registry_log import RegistryAction, append_registry_event
from storage.review_reads import confirmed_entries, confirmed_group

__all__ = ["FOLLOWS", "follow_outcome"]

# The outcome recorded → the status the registry case moves on to.
FOLLOWS = {"found": EntryStatus.FOUND, "reunited": EntryStatus.REUNITED}
# How far a case has come; a status not here (closed) is never moved by an outcome.
_PROGRESS = {EntryStatus.OPEN: 0, EntryStatus.FOUND: 1, EntryStatus.REUNITED: 2}


def follow_outcome(
    *, session: Session, reports: Sequence[Report], kind: str, actor: str
) -> list[RegistryEntry]:
    """Move the confirmed registry entries of these tips on to the outcome; returns those moved."""
    to = FOLLOWS.get(kind)
    if to is None:
        return []
    group = {
        t.id or 0 for r in reports for t in confirmed_group(session=session, report_id=r.id or 0)
    }
    moved: dict[int, RegistryEntry] = {}
    for _, entry in confirmed_entries(session=session, report_ids=list(group)):
        before = EntryStatus(entry.status)
        if entry.id in moved or before not in _PROGRESS or _PROGRESS[before] >= _PROGRESS[to]:
            continue
        entry.status, entry.updated_at = to.value, utcnow()
        session.add(entry)
        append_registry_event(
            session=session,
            entry_id=entry.id or 0,
            actor=actor,
            action=RegistryAction.STATUS_FROM_OUTCOME,
            detail={
                "changed": {"status": [before.value, to.value]},
                "refs": [r.ref for r in reports],
            },
        )
        moved[entry.id or 0] = entry
    session.flush()
    return list(moved.values())
