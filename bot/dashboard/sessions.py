"""What the signed session cookie holds: who is signed in, since when, the CSRF token, flashes.

The cookie is signed (not encrypted) by Starlette's SessionMiddleware, so it holds no secret
beyond the CSRF token, which is as sensitive as the cookie itself. It also holds the person's
session generation when they signed in: signing out, a new password, a new role or removal
raise the stored one (storage/logins.py), and every cookie of the old one is refused, copies
included.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage import Role, is_lead_role

__all__ = [
    "Viewer",
    "csrf_ok",
    "csrf_token",
    "expired",
    "flash",
    "pop_flashes",
    "sign_in",
    "sign_out",
    "touch",
]

# The idle clock is only reset when a page is used, and at most this often (each reset
# rewrites the cookie); the queue's background refresh never resets it.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Viewer:
    """The signed-in coordinator."""

    id: int
    name: str
    role: str

    @property
    def is_lead(self) -> bool:
        """Leads (and admins) may reassign tips."""
        return is_lead_role(self.role)

    @property
    def is_admin(self) -> bool:
        """Admins manage the coordinator list."""
        return self.role == Role.ADMIN


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, created on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def csrf_ok(session: dict[str, Any], submitted: object) -> bool:
    """True if a form carried this session's token."""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def sign_in(session: dict[str, Any], *, uid: int, generation: int, now: datetime) -> None:
    """Start a fresh session (new CSRF token, so a planted session is worthless)."""
    language = session.get("lang")
    session.clear()
    stamp = now.timestamp()
    session.update(uid=uid, gen=generation, since=stamp, seen=stamp)
    if language:
        session["lang"] = language
    csrf_token(session)


def sign_out(session: dict[str, Any]) -> None:
    """Forget who was signed in; the language choice stays."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def expired(
    session: dict[str, Any], *, now: datetime, idle: timedelta, lifetime: timedelta
) -> bool:
    """True when the session was idle too long or is older than its lifetime."""
    since, seen = session.get("since"), session.get("seen")
    if not isinstance(since, int | float) or not isinstance(seen, int | float):
        return True
    stamp = now.timestamp()
    return stamp - seen > idle.total_seconds() or stamp - since > lifetime.total_seconds()


def touch(session: dict[str, Any], *, now: datetime) -> None:
    """Note that a page was used now (resets the idle clock)."""
    if now.timestamp() - float(session.get("seen", 0)) >= TOUCH_EVERY.total_seconds():
        session["seen"] = now.timestamp()


def flash(session: dict[str, Any], kind: str, text: str) -> None:
    """A message for the next page (kind "ok" or "error")."""
    session["flash"] = [*session.get("flash", []), [kind, text]]


def pop_flashes(session: dict[str, Any]) -> list[tuple[str, str]]:
    """The messages waiting for this page, removed from the session."""
    return [(str(k), str(t)) for k, t in session.pop("flash", [])]
