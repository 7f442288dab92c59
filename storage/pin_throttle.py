"""Wrong follow-up PINs counted per key, each try taken by one conditional UPDATE.

A try is taken before the PIN is checked and given back if the PIN was right, so only
wrong PINs count. Taking it is one statement that both checks the limit and counts: twenty
chats guessing one code at the same moment queue on the key's row, and exactly `limit` of
them get a try in a window (a count, then an insert, let six through).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.workflow_models import PinThrottle

__all__ = ["forget_old_tries", "give_back_try", "take_try"]


def take_try(*, session: Session, key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one more try for `key`; False (nothing counted) if it used `limit` in the window."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(PinThrottle)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    expired = col(PinThrottle.window_start) <= now - window
    statement = (
        update(PinThrottle)
        .where(col(PinThrottle.key) == key, or_(expired, col(PinThrottle.failures) < limit))
        .values(
            failures=case((expired, 1), else_=col(PinThrottle.failures) + 1),
            window_start=case((expired, now), else_=col(PinThrottle.window_start)),
        )
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def give_back_try(*, session: Session, key: str) -> None:
    """Uncount a try taken for `key` (the PIN was right, or another key refused it)."""
    statement = (
        update(PinThrottle)
        .where(col(PinThrottle.key) == key, col(PinThrottle.failures) > 0)
        .values(failures=col(PinThrottle.failures) - 1)
    )
    session.execute(statement)


def forget_old_tries(*, session: Session, window: timedelta, now: datetime) -> int:
    """Delete counts whose window has passed; how many."""
    statement = delete(PinThrottle).where(col(PinThrottle.window_start) <= now - window)
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
