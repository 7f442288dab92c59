"""Data access for the coordinator allow-list."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.logins import end_sessions
from storage.workflow_models import Coordinator, Role

__all__ = ["add_coordinator", "find_coordinator", "list_coordinators", "remove_coordinator"]


def add_coordinator(
    *,
    session: Session,
    name: str,
    role: Role = Role.COORDINATOR,
    telegram_user_id: int | None = None,
) -> Coordinator:
    """Put someone on the allow-list (or update their role and Telegram id); a new role ends
    their dashboard sessions, so the next page is seen with the new rights after signing in."""
    coordinator = session.exec(select(Coordinator).where(Coordinator.name == name)).first()
    if coordinator is None:
        coordinator = Coordinator(name=name)
    new_role = coordinator.id is not None and coordinator.role != Role(role)
    coordinator.role = Role(role)
    coordinator.telegram_user_id = telegram_user_id or coordinator.telegram_user_id
    coordinator.active = True
    session.add(coordinator)
    session.flush()
    if new_role and coordinator.id is not None:
        end_sessions(session=session, coordinator_id=coordinator.id)
    return coordinator


def remove_coordinator(*, session: Session, name: str) -> bool:
    """Take someone off the allow-list, ending their sessions; their past actions stay
    attributed to them."""
    coordinator = session.exec(select(Coordinator).where(Coordinator.name == name)).first()
    if coordinator is None or not coordinator.active:
        return False
    coordinator.active = False
    session.add(coordinator)
    session.flush()
    end_sessions(session=session, coordinator_id=coordinator.id or 0)
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
