"""Data access for the coordinator allow-list; every change to it is recorded with who made it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.logins import end_sessions
from storage.workflow_models import AllowListChange, Coordinator, Role

__all__ = [
    "AlreadyListed",
    "add_coordinator",
    "allow_list_changes",
    "find_coordinator",
    "list_coordinators",
    "remove_coordinator",
    "set_role",
]


class AlreadyListed(ValueError):
    """The name is on the allow-list with another role or Telegram id: `add` never changes them."""

    def __init__(self, coordinator: Coordinator) -> None:
        super().__init__(f"{coordinator.name} is already on the allow-list as a {coordinator.role}")
        self.coordinator = coordinator


def _named(session: Session, name: str) -> Coordinator | None:
    return session.exec(select(Coordinator).where(Coordinator.name == name)).first()


def _record(session: Session, name: str, actor: str, action: str, **detail: Any) -> None:
    session.add(AllowListChange(name=name, actor=actor, action=action, detail=detail))


def add_coordinator(
    *,
    session: Session,
    name: str,
    role: Role = Role.COORDINATOR,
    telegram_user_id: int | None = None,
    actor: str = "cli",
) -> Coordinator:
    """Put someone on the allow-list (again); AlreadyListed if on it with another role or id.

    Adding someone exactly as they are listed changes nothing; a Telegram id may be filled in.
    """
    coordinator = _named(session, name)
    if coordinator is not None and coordinator.active:
        other_id = telegram_user_id not in (None, coordinator.telegram_user_id)
        if coordinator.role != role or (coordinator.telegram_user_id and other_id):
            raise AlreadyListed(coordinator)
        if not other_id:
            return coordinator
    action = (
        "added" if coordinator is None else "telegram_id_set" if coordinator.active else "re-added"
    )
    coordinator = coordinator or Coordinator(name=name)
    coordinator.role = Role(role)
    coordinator.telegram_user_id = telegram_user_id or coordinator.telegram_user_id
    coordinator.active = True
    session.add(coordinator)
    _record(session, name, actor, action, role=coordinator.role)
    session.flush()
    return coordinator


def set_role(*, session: Session, name: str, role: Role, actor: str) -> str | None:
    """Change an active coordinator's role (recorded); their earlier role, None if not listed."""
    coordinator = find_coordinator(session=session, name=name)
    if coordinator is None:
        return None
    before = coordinator.role
    if before != role:
        coordinator.role = Role(role)
        session.add(coordinator)
        # The next page is seen with the new rights, after signing in again.
        end_sessions(session=session, coordinator_id=coordinator.id or 0)
        _record(session, name, actor, "role_changed", **{"from": before, "to": coordinator.role})
    return before


def remove_coordinator(*, session: Session, name: str, actor: str = "cli") -> bool:
    """Take someone off the allow-list, ending their sessions; their past actions stay
    attributed to them."""
    coordinator = _named(session, name)
    if coordinator is None or not coordinator.active:
        return False
    coordinator.active = False
    session.add(coordinator)
    session.flush()
    end_sessions(session=session, coordinator_id=coordinator.id or 0)
    _record(session, name, actor, "removed", role=coordinator.role)
    return True


def find_coordinator(
    *, session: Session, name: str | None = None, telegram_user_id: int | None = None
) -> Coordinator | None:
    """An active coordinator by name or Telegram user id."""
    statement = select(Coordinator).where(col(Coordinator.active).is_(True))
    if name is not None:
        statement = statement.where(Coordinator.name == name)
    elif telegram_user_id is not None:
        statement = statement.where(Coordinator.telegram_user_id == telegram_user_id)
    else:
        return None
    return session.exec(statement).first()


def list_coordinators(*, session: Session) -> list[Coordinator]:
    """Everyone on the allow-list, active first."""
    statement = select(Coordinator).order_by(col(Coordinator.active).desc(), col(Coordinator.name))
    return list(session.exec(statement))


def allow_list_changes(*, session: Session, limit: int = 200) -> list[AllowListChange]:
    """The latest changes to the allow-list, oldest first."""
    statement = select(AllowListChange).order_by(col(AllowListChange.id).desc()).limit(limit)
    return list(reversed(session.exec(statement).all()))
