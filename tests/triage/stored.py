"""Tips stored directly, as a report saved by any channel, assessed as the worker would."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from sqlalchemy.engine import Engine

from storage import Report, session_scope, utcnow
from storage.reports import new_pin, new_ref, save_report
from triage.assess import reassess

NOW = utcnow()


def report(
    engine: Engine, *, assessed: bool = True, received: timedelta = timedelta(0), **fields: object
) -> str:
    """A stored tip (assessed now, unless not); returns its reference code."""
    base: dict[str, object] = {
        "ref": new_ref(),
        "pin_hash": new_pin(),
        "draft_id": str(uuid4()),
        "kind": "sighting",
        "language": "zh_CN",
        "channel": "telegram",
        "created_at": NOW - received,
    }
    with session_scope(engine) as session:
        tip = save_report(session=session, report=Report(**{**base, **fields}))
        if assessed:
            reassess(tip)
        return tip.ref
