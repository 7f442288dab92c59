"""`homeward tips claim|release|note|status|ask|refer|export` and `homeward coordinators`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rq import Queue
from sqlmodel import Session

from bot.settings import Settings
from storage import Coordinator, Report, ReportStatus, Role, make_engine, session_scope, utcnow
from storage.coordinators import (
    AlreadyListed,
    add_coordinator,
    allow_list_changes,
    find_coordinator,
    list_coordinators,
    remove_coordinator,
    set_role,
)
from storage.logins import set_password_hash
from storage.reports import append_event, get_report
from triage import QUEUE_NAME, dispatch_report, redis_connection, workflow
from triage.export import export_tip, package_csv, package_json

__all__ = ["acting_coordinator", "add_triage_commands"]


def acting_coordinator(session: Session, report: Report, name: str) -> Coordinator:
    """The allow-listed coordinator named by `--as`; anyone else is refused, and that recorded."""
    coordinator = find_coordinator(session=session, name=name)
    if coordinator is None:
        append_event(
            session=session,
            report_id=report.id or 0,
            actor=f"unlisted:{name}",
            action="refused",
            detail={"via": "cli"},
        )
        session.commit()
        raise click.ClickException(f"{name} is not on the coordinator allow-list")
    return coordinator


@contextmanager
def _acting(
    settings: Settings, ref: str, name: str
) -> Iterator[tuple[Session, Report, Coordinator]]:
    engine = make_engine(settings.database())
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        if report is None:
            raise click.ClickException(f"no tip {ref}")
        coordinator = acting_coordinator(session, report, name)
        try:
            yield session, report, coordinator
        except workflow.WorkflowError as error:
            raise click.ClickException(str(error)) from error
        report_id = report.id or 0
    # Queue what the action added (a question to relay); the worker's sweeper would too.
    with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
        dispatch_report(engine, Queue(QUEUE_NAME, connection=connection), report_id)
    engine.dispose()


def add_triage_commands(cli: click.Group, tips: click.Group, load: Callable[[], Settings]) -> None:
    """Register the coordinator commands on the CLI groups."""
    acting_as = click.option("--as", "name", required=True, help="The coordinator acting.")

    @tips.command("claim")
    @click.argument("ref")
    @acting_as
    def claim(ref: str, name: str) -> None:
        """Claim a tip so nobody else works it at the same time."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.claim_tip(
                session=session, report=report, coordinator=coordinator, now=utcnow()
            )
        click.echo(f"{ref} claimed by {name}")

    @tips.command("release")
    @click.argument("ref")
    @acting_as
    def release(ref: str, name: str) -> None:
        """Give a claimed tip back to the queue."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.release_tip(
                session=session, report=report, coordinator=coordinator, now=utcnow()
            )
        click.echo(f"{ref} released")

    @tips.command("note")
    @click.argument("ref")
    @click.argument("text")
    @acting_as
    def note(ref: str, text: str, name: str) -> None:
        """Add an internal note (never shown to the tipster)."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.add_note(session=session, report=report, coordinator=coordinator, body=text)
        click.echo("note added")

    @tips.command("status")
    @click.argument("ref")
    @click.argument("status", type=click.Choice([s.value for s in ReportStatus]))
    @click.option("--reason", default=None)
    @click.option("--close-reason", type=click.Choice(workflow.CLOSE_REASONS), default=None)
    @acting_as
    def status(
        ref: str, status: str, reason: str | None, close_reason: str | None, name: str
    ) -> None:
        """Move a tip along: in_review, verified, referred, closed (with --close-reason)."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.change_status(
                session=session,
                report=report,
                coordinator=coordinator,
                to=status,
                now=utcnow(),
                reason=reason,
                close_reason=close_reason,
            )
        click.echo(f"{ref} is now {status}")

    @tips.command("ask")
    @click.argument("ref")
    @click.argument("question")
    @acting_as
    def ask(ref: str, question: str, name: str) -> None:
        """Ask the tipster a question through their own channel, anonymously both ways."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.ask_tipster(
                session=session,
                report=report,
                coordinator=coordinator,
                question=question,
                now=utcnow(),
            )
        click.echo("question queued; the worker delivers it")

    @tips.command("refer")
    @click.argument("ref")
    @click.option("--kind", type=click.Choice(["police", "ngo", "dna_sampling"]), required=True)
    @click.option("--to", "to_whom", required=True, help="Police station or organisation.")
    @click.option("--reference", default=None, help="Their case or reference number.")
    @acting_as
    def refer(ref: str, kind: str, to_whom: str, reference: str | None, name: str) -> None:
        """Record a referral to the police, a partner NGO or a DNA-sampling referral."""
        with _acting(load(), ref, name) as (session, report, coordinator):
            workflow.refer_tip(
                session=session,
                report=report,
                coordinator=coordinator,
                kind=kind,
                to_whom=to_whom,
                reference=reference,
                now=utcnow(),
            )
        click.echo(f"{ref} referred to {to_whom}")

    @tips.command("export")
    @click.argument("ref")
    @click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
    @click.option(
        "--include-identity", is_flag=True, help="Include the tipster's contact (recorded)."
    )
    @click.option("--reason", default=None, help="Why the identity is included.")
    @acting_as
    def export(
        ref: str,
        fmt: str,
        output: Path | None,
        include_identity: bool,
        reason: str | None,
        name: str,
    ) -> None:
        """Export a referral package (JSON or CSV) without the tipster's identity by default."""
        settings = load()
        with _acting(settings, ref, name) as (session, report, coordinator):
            package = export_tip(
                session=session,
                report=report,
                coordinator=coordinator,
                cipher=settings.cipher(),
                include_identity=include_identity,
                reason=reason,
            )
        text = package_json(package) if fmt == "json" else package_csv(package)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text)

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
        click.echo(f"{name} is a {role}")

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
            f"{name} was a {before}, is now a {role}" if before != role else f"{name} is a {role}"
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
        click.echo(f"password set for {name}; their earlier dashboard sessions have ended")
