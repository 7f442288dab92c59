"""Admins manage the allow-list: add or update a coordinator (role, password), remove one."""

from __future__ import annotations

import logging
from typing import Any

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
from storage.logins import set_password_hash

__all__ = ["add_or_update", "admin_page", "remove"]

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
            set_password_hash(session=session, name=name, password_hash=password_hash)


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


def _remove(call: Call, name: str) -> bool:
    with call.dash.db() as session:
        return remove_coordinator(session=session, name=name, actor=call.viewer.name)


async def remove(call: Call) -> Response:
    """Take a coordinator off the list (never yourself); their past actions keep their name."""
    name = call.field("name")
    if name == call.viewer.name:
        return _back(call, "error", "admin.not_yourself")
    if not await run_in_threadpool(_remove, call, name):
        return _back(call, "error", "admin.unknown", name=name)
    log.info("dashboard: an admin removed a coordinator")
    return _back(call, "ok", "admin.removed", name=name)
