"""The `homeward` command: chat, worker, sweep, tips, db."""

from __future__ import annotations

import json
import sys

import click
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from bot.cli_alerts import add_alert_commands
from bot.cli_blocks import add_block_commands
from bot.cli_coordinators import add_coordinator_commands
from bot.cli_inbound import add_inbound_commands
from bot.cli_language import reader_language, reading_language
from bot.cli_outcomes import add_outcome_commands, outcome_lines
from bot.cli_registry import add_registry_commands
from bot.cli_triage import acting_coordinator, add_triage_commands
from bot.settings import Settings, SettingsError
from bot.tip_text import queue_line, tip_lines
from bot.wiring import configure_logging, services
from handlers.times import zone
from storage import generate_key, session_scope, upgrade, utcnow
from storage.reports import get_report, open_queue
from triage.outcomes import outcome_json, tip_outcome
from triage.reach import why_not_askable
from triage.readable import Reader
from triage.tips import tip_as_dict, tip_summary
from triage.urgency_words import reason_words, score_words

__all__ = ["main"]

REQUESTS_AT_STOP_SECONDS = 1


def _settings(*, quiet: bool = False) -> Settings:
    settings = Settings()
    # In a terminal conversation log lines would land among the questions, in front of a
    # tipster or an operator: they go to a file in the data folder instead.
    log_file = settings.homeward_data_dir / "homeward.log" if quiet else None
    configure_logging(settings.log_level, file=log_file)
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
    from bot.worker import run_jobs_after_each_report

    settings = _settings(quiet=True)
    upgrade(settings.database())
    with services(settings) as svc:
        if not settings.redis_url:  # the zero-config trial: no worker runs beside it
            run_jobs_after_each_report(svc)
        run_console(svc.intake, language=lang, session=session)


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default: HOST, 0.0.0.0).")
@click.option("--port", type=int, default=None, help="Port (default: PORT, 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Run the web app: every configured channel's webhook and the dashboard."""
    import uvicorn

    from bot.web import configured_channels, create_app

    settings = _settings()
    upgrade(settings.database())
    with services(settings) as svc:
        app = create_app(svc, configured_channels(svc))
        # X-Forwarded-For is read by our own middleware (bot/forwarded.py), not uvicorn's,
        # which believes the visitor's own first entry when told to trust every proxy.
        uvicorn.run(
            app,
            host=host or settings.host,
            port=port or settings.port,
            log_level="warning",
            proxy_headers=False,
            # A request still open at SIGTERM (a webhook delivery stalled half-way by the
            # network) gets this long, then the channels' own stop; Telegram sends again
            # what it got no 200 for.
            timeout_graceful_shutdown=REQUESTS_AT_STOP_SECONDS,
        )


@cli.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run follow-up jobs and the sweeper."""
    from bot.worker import run_worker

    settings = _settings()
    upgrade(settings.database())
    with services(settings) as svc:
        run_worker(svc, burst=burst)


@cli.command()
def sweep() -> None:
    """Re-queue lost follow-up work and purge expired drafts, once."""
    from bot.worker import run_sweep

    settings = _settings()
    upgrade(settings.database())
    with services(settings) as svc:
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
@click.option("--status", default=None, help="Only tips with this status (default: open ones).")
@click.option("--json", "as_json", is_flag=True)
@reading_language
def tips_list(status: str | None, as_json: bool, lang: str | None) -> None:
    """List tips in queue order, as the dashboard and the group's /queue show them."""
    settings = _settings()
    tz = zone(settings.homeward_timezone)
    from storage import make_engine

    reader, now = Reader(reader_language(lang), tz), utcnow()
    with session_scope(make_engine(settings.database())) as session:
        reports = open_queue(session=session, now=now, status=status, limit=500)
    if as_json:
        click.echo(
            json.dumps([tip_summary(r, tz=tz) for r in reports], ensure_ascii=False, indent=2)
        )
        return
    for r in reports:
        click.echo(queue_line(r, reader, now))


@tips.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.option("--reveal", is_flag=True, help="Show the tipster's phone number (recorded).")
@click.option(
    "--reason", default=None, help="Why the contact is revealed (required with --reveal)."
)
@reading_language
@click.option("--as", "name", default=None, help="The coordinator revealing (with --reveal).")
def tips_show(
    ref: str, as_json: bool, reveal: bool, reason: str | None, lang: str | None, name: str | None
) -> None:
    """Show one tip."""
    if reveal and not (reason and reason.strip() and name):
        raise click.UsageError(
            "--reveal needs --reason and --as NAME: revealing a tipster's contact is recorded"
        )
    settings = _settings()
    tz = zone(settings.homeward_timezone)
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
            tz=tz,
            revealed_to=revealer,
            reason=reason,
        )
        language = reader_language(lang)
        urgency = [score_words(report, language), *reason_words(report, language, tz, utcnow())]
        unreachable = why_not_askable(report)
        outcome = tip_outcome(session=session, report=report)
        shown = data["contact"]["phone"] or data["callback"]  # what a reveal records
        revealed = (revealer.name, reason or "") if revealer and shown else None
    if as_json:
        click.echo(json.dumps(data | outcome_json(outcome, tz), ensure_ascii=False, indent=2))
        return
    for line in tip_lines(
        data,
        Reader(language, tz),
        emergency=settings.emergency_number,
        urgency=urgency,
        ask_why_not=unreachable.text(language) if unreachable else None,
        revealed=revealed,
    ) + outcome_lines(outcome, Reader(language, tz)):
        click.echo(line)


add_triage_commands(cli, tips, _settings)
add_coordinator_commands(cli, _settings)
add_block_commands(tips, _settings)
add_registry_commands(cli, _settings)
add_inbound_commands(cli, _settings)
add_alert_commands(cli, _settings)
add_outcome_commands(tips, _settings)


def main() -> None:
    """Entry point; configuration mistakes and an unready database are one clear line each."""
    try:
        cli()
    except SettingsError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    except (OperationalError, ProgrammingError) as exc:
        click.echo(f"database error: {database_trouble(exc)}", err=True)
        sys.exit(2)


def database_trouble(exc: DBAPIError) -> str:
    """What went wrong with the database, in one line without the statement or its values."""
    cause = exc.orig
    if getattr(cause, "sqlstate", None) == "42P01" or "no such table" in str(cause):
        return (
            "the database has no tables yet: run `homeward db upgrade` "
            "(homeward chat, serve and worker do it when they start)"
        )
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {first}"
