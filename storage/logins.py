"""Dashboard sign-in data: coordinators' password hashes and the attempts kept to throttle guessing.

Attempts are stored under keyed blind indexes (of the name tried, of the client address), so
the table says how often someone failed without saying who or from where.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, func, select

from storage.models import _ts, utcnow
from storage.workflow_models import Coordinator

__all__ = [
    "LoginAttempt",
    "LoginOutcome",
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


def login_failures(
    *, session: Session, key: str, now: datetime, window: timedelta, since_success: bool = True
) -> int:
    """Refused attempts for a key within the window (and, by default, since its last success)."""
    since = now - window
    last_ok = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.outcome == LoginOutcome.OK
        )
    ).one()
    if since_success and last_ok is not None:
        since = max(since, last_ok if last_ok.tzinfo else last_ok.replace(tzinfo=now.tzinfo))
    statement = select(func.count()).where(
        LoginAttempt.key == key,
        LoginAttempt.outcome == LoginOutcome.REFUSED,
        col(LoginAttempt.at) > since,
    )
    return int(session.exec(statement).one())


def set_password_hash(*, session: Session, name: str, password_hash: str | None) -> bool:
    """Store (or clear) an active coordinator's password hash; False if not on the list."""
    coordinator = session.exec(
        select(Coordinator).where(Coordinator.name == name, col(Coordinator.active).is_(True))
    ).first()
    if coordinator is None:
        return False
    coordinator.password_hash = password_hash
    session.add(coordinator)
    return True
