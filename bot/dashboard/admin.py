"""Admins manage the allow-list: add or update a coordinator (role, password), remove one, sign
one out everywhere, let one sign in again after failed attempts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bot.dashboard.guard import Call
from bot.dashboard.passwords import WeakPassword, hash_password
from bot.dashboard.sessions import flash
from storage import Role
from storage.coordinators import (
    add_coordinator,
    find_coordinator,
    list_coordinators,
    remove_coordinator,
    set_role,
)
from storage.logins import clear_failures, end_sessions_of, set_password_hash

__all__ = ["add_or_update", "admin_page", "end_all_sessions", "remove", "unlock"]

log = logging.getLogger(__name__)
MAX_NAME = 64


def _load(call: Call) -> dict[str, Any]:
    with call.dash.db() as session:
        return {
            "coordinators": list_coordinators(session=session),
            "roles": [r.value for r in Role],
        }


async def admin_page(call: Call) -> Response:
    """The coordinator list with add and remove forms."""
    data = await run_in_threadpool(_load, call)
    return call.dash.render(call.request, "admin.html", **data)


def _back(call: Call, kind: str, key: str, **params: object) -> Response:
    flash(call.request.session, kind, call.dash.texts(call.request)(key, **params))
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/admin", status_code=303)


def _save(call: Call, name: str, role: Role, password_hash: str | None) -> None:
    actor = call.viewer.name
    with call.dash.db() as session:
        if find_coordinator(session=session, name=name) is None:
            add_coordinator(session=session, name=name, role=role, actor=actor)
        else:  # this form changes a role on purpose, and the change is recorded
            set_role(session=session, name=name, role=role, actor=actor)
        if password_hash:
            set_password_hash(
                session=session, name=name, password_hash=password_hash, now=call.dash.now()
            )


async def add_or_update(call: Call) -> Response:
    """Add a coordinator, or change one's role; an optional first password can be set."""
    name, role, password = call.field("name"), call.field("role"), call.field("password")
    if not name or len(name) > MAX_NAME or role not in {r.value for r in Role}:
        return _back(call, "error", "admin.invalid")
    if name == call.viewer.name and role != Role.ADMIN:
        return _back(call, "error", "admin.not_yourself")
    try:
        password_hash = await run_in_threadpool(hash_password, password) if password else None
    except WeakPassword:
        return _back(call, "error", "admin.weak_password")
    await run_in_threadpool(_save, call, name, Role(role), password_hash)
    log.info("dashboard: an admin added or updated a %s", role)
    return _back(call, "ok", "admin.saved", name=name)


async def _change(
    call: Call, change: Callable[[Session, str], bool], done: str, event: str
) -> Response:
    """Apply `change` to the coordinator named in the form, then say so (or that nobody is)."""
    name = call.field("name")

    def run() -> bool:
        with call.dash.db() as session:
            return change(session, name)

    if not await run_in_threadpool(run):
        return _back(call, "error", "admin.unknown", name=name)
    log.info("dashboard: an admin %s", event)
    return _back(call, "ok", done, name=name)


async def remove(call: Call) -> Response:
    """Take a coordinator off the list (never yourself); their past actions keep their name."""
    if call.field("name") == call.viewer.name:
        return _back(call, "error", "admin.not_yourself")
    return await _change(
        call,
        lambda session, name: remove_coordinator(
            session=session, name=name, actor=call.viewer.name
        ),
        "admin.removed",
        "removed a coordinator",
    )


async def end_all_sessions(call: Call) -> Response:
    """Sign a coordinator out on every device (a lost phone, a shared computer)."""
    return await _change(
        call,
        lambda session, name: end_sessions_of(session=session, name=name),
        "admin.sessions_ended",
        "ended a coordinator's sessions",
    )


async def unlock(call: Call) -> Response:
    """Forget a coordinator's failed sign-ins, so a stranger's guesses no longer hold them up."""
    now = call.dash.now()
    return await _change(
        call,
        lambda session, name: clear_failures(session=session, name=name, now=now),
        "admin.unlocked",
        "cleared a coordinator's failed sign-ins",
    )
