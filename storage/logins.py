"""Dashboard sign-in data: password hashes, the attempts kept to throttle guessing, sessions.

Attempts are stored under keyed blind indexes (of the name tried, of the client address, of
the two together), so the table says how often someone failed without saying who or from
where. A coordinator's `session_generation` is copied into each session cookie; raising it
ends every session of theirs at once, wherever the cookie went (bot/dashboard/guard.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, func, select

from storage.models import _ts, utcnow
from storage.workflow_models import Coordinator

__all__ = [
    "LoginAttempt",
    "LoginOutcome",
    "clear_failures",
    "end_sessions",
    "end_sessions_of",
    "login_failures",
    "record_login",
    "set_password_hash",
]


class LoginOutcome(StrEnum):
    """What became of one sign-in attempt."""

    OK = "ok"
    REFUSED = "refused"
    THROTTLED = "throttled"


class LoginAttempt(SQLModel, table=True):
    """One try at signing in to the dashboard, per key (name tried, client address)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, index=True, description="kind + blind index of who tried")
    outcome: str = Field(max_length=16)
    at: datetime = _ts(nullable=False, default=utcnow, index=True)


def record_login(*, session: Session, keys: list[str], outcome: str, now: datetime) -> None:
    """Remember an attempt under each of its keys."""
    for key in keys:
        session.add(LoginAttempt(key=key, outcome=outcome, at=now))


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def login_failures(
    *,
    session: Session,
    key: str,
    now: datetime,
    window: timedelta,
    since_success: bool = True,
    cleared_at: datetime | None = None,
) -> int:
    """Refused attempts for a key within the window, after `cleared_at` and, by default, since
    the key's last success."""
    since = now - window
    if cleared_at is not None:
        since = max(since, _aware(cleared_at, now))
    last_ok = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.outcome == LoginOutcome.OK
        )
    ).one()
    if since_success and last_ok is not None:
        since = max(since, _aware(last_ok, now))
    statement = select(func.count()).where(
        LoginAttempt.key == key,
        LoginAttempt.outcome == LoginOutcome.REFUSED,
        col(LoginAttempt.at) > since,
    )
    return int(session.exec(statement).one())


def set_password_hash(
    *, session: Session, name: str, password_hash: str | None, now: datetime | None = None
) -> bool:
    """Store (or clear) an active coordinator's password hash, ending their sessions and
    forgiving the name's failed sign-ins; False if not on the list."""
    changed = session.exec(
        update(Coordinator)
        .where(col(Coordinator.name) == name, col(Coordinator.active).is_(True))
        .values(
            password_hash=password_hash,
            failures_cleared_at=now or utcnow(),
            session_generation=col(Coordinator.session_generation) + 1,
        )
    )
    return changed.rowcount == 1


def end_sessions(*, session: Session, coordinator_id: int, generation: int | None = None) -> bool:
    """End every dashboard session of a coordinator (with `generation`: only if a session of
    that generation is still live); False if nothing ended."""
    statement = (
        update(Coordinator)
        .where(col(Coordinator.id) == coordinator_id)
        .values(session_generation=col(Coordinator.session_generation) + 1)
    )
    if generation is not None:
        statement = statement.where(col(Coordinator.session_generation) == generation)
    return session.exec(statement).rowcount == 1


def end_sessions_of(*, session: Session, name: str) -> bool:
    """End every dashboard session of an active coordinator; False if not on the list."""
    changed = session.exec(
        update(Coordinator)
        .where(col(Coordinator.name) == name, col(Coordinator.active).is_(True))
        .values(session_generation=col(Coordinator.session_generation) + 1)
    )
    return changed.rowcount == 1


def clear_failures(*, session: Session, name: str, now: datetime | None = None) -> bool:
    """Forget an active coordinator's failed sign-ins (from anywhere); False if not on the list."""
    changed = session.exec(
        update(Coordinator)
        .where(col(Coordinator.name) == name, col(Coordinator.active).is_(True))
        .values(failures_cleared_at=now or utcnow())
    )
    return changed.rowcount == 1
