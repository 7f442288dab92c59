"""`homeward tips claim|release|note|status|ask|callback|refer|export`, acting as a coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rq import Queue
from sqlmodel import Session

from bot.cli_language import reader_language, reading_language
from bot.settings import Settings
from handlers.times import zone
from storage import Coordinator, Report, ReportStatus, make_engine, session_scope, utcnow
from storage.coordinators import (
    find_coordinator,
)
from storage.reports import append_event, get_report
from triage import QUEUE_NAME, dispatch_report, redis_connection, workflow
from triage.export import export_tip, package_csv, package_json
from triage.export_readable import readable_csv
from triage.reach import record_callback
from triage.readable import Reader

__all__ = ["EXPORT_FORMATS", "acting_coordinator", "acting_on", "add_triage_commands"]

# csv is for people (labels and values in the reader's language); csv-keys for scripts.
EXPORT_FORMATS = ("json", "csv", "csv-keys")


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
def acting_on(
    settings: Settings, ref: str, name: str
) -> Iterator[tuple[Session, Report, Coordinator]]:
    """One tip and the coordinator acting on it, in one transaction; refusals end the command."""
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
        with acting_on(load(), ref, name) as (session, report, coordinator):
            workflow.claim_tip(
                session=session, report=report, coordinator=coordinator, now=utcnow()
            )
        click.echo(f"{ref} claimed by {name}")

    @tips.command("release")
    @click.argument("ref")
    @acting_as
    def release(ref: str, name: str) -> None:
        """Give a claimed tip back to the queue."""
        with acting_on(load(), ref, name) as (session, report, coordinator):
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
        with acting_on(load(), ref, name) as (session, report, coordinator):
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
        with acting_on(load(), ref, name) as (session, report, coordinator):
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
        with acting_on(load(), ref, name) as (session, report, coordinator):
            workflow.ask_tipster(
                session=session,
                report=report,
                coordinator=coordinator,
                question=question,
                now=utcnow(),
            )
        click.echo("question queued; the worker delivers it")

    @tips.command("callback")
    @click.argument("ref")
    @click.argument("arrangement")
    @acting_as
    def callback(ref: str, arrangement: str, name: str) -> None:
        """Record how a caller agreed to be called back (a tip with no chat to ask through)."""
        settings = load()
        with acting_on(settings, ref, name) as (session, report, coordinator):
            record_callback(
                session=session,
                report=report,
                coordinator=coordinator,
                text=arrangement,
                cipher=settings.cipher(),
            )
        click.echo("callback arrangement recorded")

    @tips.command("refer")
    @click.argument("ref")
    @click.option("--kind", type=click.Choice(["police", "ngo", "dna_sampling"]), required=True)
    @click.option("--to", "to_whom", required=True, help="Police station or organisation.")
    @click.option("--reference", default=None, help="Their case or reference number.")
    @acting_as
    def refer(ref: str, kind: str, to_whom: str, reference: str | None, name: str) -> None:
        """Record a referral to the police, a partner NGO or a DNA-sampling referral."""
        with acting_on(load(), ref, name) as (session, report, coordinator):
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
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(EXPORT_FORMATS),
        default="json",
        help="json (keys), csv (labels and values in words), csv-keys (the JSON's keys, flat).",
    )
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
    @click.option(
        "--include-identity", is_flag=True, help="Include the tipster's contact (recorded)."
    )
    @click.option("--reason", default=None, help="Why the identity is included.")
    @reading_language
    @acting_as
    def export(
        ref: str,
        fmt: str,
        output: Path | None,
        include_identity: bool,
        reason: str | None,
        lang: str | None,
        name: str,
    ) -> None:
        """Export a referral package (JSON or CSV) without the tipster's identity by default."""
        settings = load()
        with acting_on(settings, ref, name) as (session, report, coordinator):
            package = export_tip(
                session=session,
                report=report,
                coordinator=coordinator,
                cipher=settings.cipher(),
                tz=zone(settings.homeward_timezone),
                include_identity=include_identity,
                reason=reason,
            )
        if fmt == "csv":
            reader = Reader(reader_language(lang), zone(settings.homeward_timezone))
            text = readable_csv(package, reader)
        else:
            text = package_json(package) if fmt == "json" else package_csv(package)
        if output:  # a byte-order mark makes a spreadsheet read the CSV's Chinese as UTF-8
            bom = "\ufeff" if fmt == "csv" else ""
            output.write_text(bom + text, encoding="utf-8")
        else:
            click.echo(text)
