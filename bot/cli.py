"""The `homeward` command: chat, worker, sweep, tips, db."""

from __future__ import annotations

import json
import sys

import click

from bot.cli_coordinators import add_coordinator_commands
from bot.cli_inbound import add_inbound_commands
from bot.cli_registry import add_registry_commands
from bot.cli_triage import acting_coordinator, add_triage_commands
from bot.settings import Settings, SettingsError
from bot.wiring import configure_logging, services
from storage import generate_key, session_scope, upgrade
from storage.reports import get_report, list_reports
from triage.tips import tip_as_dict, tip_summary

__all__ = ["main"]


def _settings(*, quiet: bool = False) -> Settings:
    settings = Settings()
    # In a terminal conversation, routine log lines would interleave with the questions.
    configure_logging("WARNING" if quiet else settings.log_level)
    return settings


@click.group()
def cli() -> None:
    """Homeward: a safe, anonymous tip line for children who may have been abducted."""


@cli.command()
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Interview language.")
@click.option("--session", default=None, help="Conversation name (default: your user name).")
def chat(lang: str | None, session: str | None) -> None:
    """Take a report in this terminal (reads stdin, so it can be scripted)."""
    from bot.console import run_console

    settings = _settings(quiet=True)
    upgrade(settings.database())
    with services(settings) as svc:
        run_console(svc.intake, language=lang, session=session)


@cli.command()
@click.option("--port", type=int, default=None, help="Port (default: PORT, 8000).")
def serve(port: int | None) -> None:
    """Run the web app: every configured channel's webhook and the dashboard."""
    import uvicorn

    from bot.web import configured_channels, create_app

    settings = _settings()
    upgrade(settings.database())
    with services(settings) as svc:
        app = create_app(svc, configured_channels(svc))
        uvicorn.run(app, host="0.0.0.0", port=port or settings.port, log_level="warning")


@cli.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run follow-up jobs and the sweeper."""
    from bot.worker import run_worker

    settings = _settings()
    with services(settings) as svc:
        run_worker(svc, burst=burst)


@cli.command()
def sweep() -> None:
    """Re-queue lost follow-up work and purge expired drafts, once."""
    from bot.worker import run_sweep

    with services(_settings()) as svc:
        run_sweep(svc)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Run the migrations."""
    upgrade(_settings().database())
    click.echo("database is up to date")


@cli.command()
def keygen() -> None:
    """Print a new HOMEWARD_SECRET_KEY."""
    click.echo(generate_key())


@cli.group()
def tips() -> None:
    """The reports in the queue."""


@tips.command("list")
@click.option("--status", default=None, help="Only tips with this status.")
@click.option("--json", "as_json", is_flag=True)
def tips_list(status: str | None, as_json: bool) -> None:
    """List tips, newest first."""
    settings = _settings()
    from storage import make_engine

    with session_scope(make_engine(settings.database())) as session:
        rows = [tip_summary(r) for r in list_reports(session=session, status=status)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        place = " ".join(p for p in (row["province"], row["city"]) if p) or "-"
        click.echo(
            f"{row['ref']}  {row['status']:<9} {row['kind']:<16} {row['created_at'][:16]}  {place}"
        )


@tips.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.option("--reveal", is_flag=True, help="Show the tipster's phone number (recorded).")
@click.option(
    "--reason", default=None, help="Why the contact is revealed (required with --reveal)."
)
@click.option("--as", "name", default=None, help="The coordinator revealing (with --reveal).")
def tips_show(ref: str, as_json: bool, reveal: bool, reason: str | None, name: str | None) -> None:
    """Show one tip."""
    if reveal and not (reason and reason.strip() and name):
        raise click.UsageError(
            "--reveal needs --reason and --as NAME: revealing a tipster's contact is recorded"
        )
    settings = _settings()
    from storage import make_engine

    with session_scope(make_engine(settings.database())) as session:
        report = get_report(session=session, ref=ref)
        if report is None:
            raise click.ClickException(f"no tip {ref}")
        revealer = acting_coordinator(session, report, name or "") if reveal else None
        data = tip_as_dict(
            session=session,
            report=report,
            cipher=settings.cipher(),
            revealed_to=revealer,
            reason=reason,
        )
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        if key == "ask":  # said before anyone types a question
            click.echo(f"ask: {'possible' if value['possible'] else value['why_not']}")
        elif key not in ("answers", "events"):
            click.echo(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    for event in data["events"]:
        click.echo(f"  {event['at'][:19]} {event['actor']}: {event['action']}")


add_triage_commands(cli, tips, _settings)
add_registry_commands(cli, _settings)
add_inbound_commands(cli, _settings)
add_coordinator_commands(cli, _settings)


def main() -> None:
    """Entry point; configuration mistakes are one clear line, not a traceback."""
    try:
        cli()
    except SettingsError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
