"""`homeward coordinators`: the allow-list, roles, dashboard passwords and sessions; changes
recorded."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from bot.settings import Settings
from storage import Role, make_engine, session_scope
from storage.coordinators import (
    AlreadyListed,
    add_coordinator,
    allow_list_changes,
    find_coordinator,
    list_coordinators,
    remove_coordinator,
    set_role,
)
from storage.logins import clear_failures, end_sessions_of, set_password_hash

__all__ = ["add_coordinator_commands"]


def _a(role: str) -> str:
    """A role with its article: "a lead", "an admin"."""
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def add_coordinator_commands(cli: click.Group, load: Callable[[], Settings]) -> None:
    """Register the allow-list commands."""

    @cli.group()
    def coordinators() -> None:
        """The coordinator allow-list."""

    @coordinators.command("add")
    @click.argument("name")
    @click.option(
        "--role", type=click.Choice([r.value for r in Role]), default=Role.COORDINATOR.value
    )
    @click.option("--telegram-id", type=int, default=None, help="Their Telegram user id.")
    def coordinators_add(name: str, role: str, telegram_id: int | None) -> None:
        """Put a coordinator on the allow-list (never changes the role of someone on it)."""
        try:
            with session_scope(make_engine(load().database())) as session:
                add_coordinator(
                    session=session, name=name, role=Role(role), telegram_user_id=telegram_id
                )
        except AlreadyListed as listed:
            raise click.ClickException(
                f"{listed}; nothing changed. To change a role: "
                f"homeward coordinators set-role {name} {role} --as ADMIN"
                " (to change a Telegram id: remove, then add again)"
            ) from listed
        click.echo(f"{name} is {_a(role)}")

    @coordinators.command("set-role")
    @click.argument("name")
    @click.argument("role", type=click.Choice([r.value for r in Role]))
    @click.option("--as", "admin", required=True, help="The admin making the change.")
    def coordinators_set_role(name: str, role: str, admin: str) -> None:
        """Change a coordinator's role (an admin's action, recorded)."""
        with session_scope(make_engine(load().database())) as session:
            acting = find_coordinator(session=session, name=admin)
            if acting is None or acting.role != Role.ADMIN:
                raise click.ClickException(f"{admin} is not an admin on the allow-list")
            if admin == name:
                raise click.ClickException("another admin changes your own role")
            before = set_role(session=session, name=name, role=Role(role), actor=admin)
        if before is None:
            raise click.ClickException(f"{name} is not on the coordinator allow-list")
        click.echo(
            f"{name} was {_a(before)}, is now {_a(role)}"
            if before != role
            else f"{name} is {_a(role)}"
        )

    @coordinators.command("history")
    def coordinators_history() -> None:
        """Who was added, removed or given another role, when and by whom."""
        with session_scope(make_engine(load().database())) as session:
            for change in allow_list_changes(session=session):
                detail = " ".join(f"{k}={v}" for k, v in change.detail.items())
                click.echo(
                    f"{change.at.isoformat(timespec='seconds')}  {change.actor}: "
                    f"{change.action} {change.name} {detail}".rstrip()
                )

    @coordinators.command("remove")
    @click.argument("name")
    def coordinators_remove(name: str) -> None:
        """Take a coordinator off the allow-list."""
        with session_scope(make_engine(load().database())) as session:
            removed = remove_coordinator(session=session, name=name)
        click.echo(f"{name} removed" if removed else f"{name} was not on the list")

    @coordinators.command("list")
    def coordinators_list() -> None:
        """Everyone on the allow-list."""
        with session_scope(make_engine(load().database())) as session:
            for c in list_coordinators(session=session):
                state = "" if c.active else " (removed)"
                click.echo(f"{c.name}  {c.role}  telegram={c.telegram_user_id or '-'}{state}")

    @coordinators.command("set-password")
    @click.argument("name")
    def coordinators_set_password(name: str) -> None:
        """Set a coordinator's dashboard password (typed at a prompt, or one line on stdin)."""
        from bot.dashboard import WeakPassword, hash_password

        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        try:
            password_hash = hash_password(password)
        except WeakPassword as error:
            raise click.ClickException(str(error)) from error
        with session_scope(make_engine(load().database())) as session:
            if not set_password_hash(session=session, name=name, password_hash=password_hash):
                raise click.ClickException(f"{name} is not on the coordinator allow-list")
        click.echo(
            f"password set for {name}; their earlier dashboard sessions have ended and "
            "failed sign-ins for the name are forgotten"
        )

    @coordinators.command("end-sessions")
    @click.argument("name")
    def coordinators_end_sessions(name: str) -> None:
        """Sign a coordinator out of the dashboard on every device."""
        with session_scope(make_engine(load().database())) as session:
            if not end_sessions_of(session=session, name=name):
                raise click.ClickException(f"{name} is not on the coordinator allow-list")
        click.echo(f"every dashboard session of {name} has ended")

    @coordinators.command("unlock")
    @click.argument("name")
    def coordinators_unlock(name: str) -> None:
        """Forget the failed dashboard sign-ins for a coordinator's name, from every address."""
        with session_scope(make_engine(load().database())) as session:
            if not clear_failures(session=session, name=name):
                raise click.ClickException(f"{name} is not on the coordinator allow-list")
        click.echo(f"{name} can sign in again")
