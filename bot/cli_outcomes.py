"""`homeward tips outcome REF found|reunited|not-the-child|no-trace`, and the outcome and the
trusted-reporter signal in words for `tips show`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import click

from bot.cli_triage import acting_on
from bot.settings import Settings
from handlers.catalogue import catalogue
from handlers.times import shown, zone
from storage import ReportStatus, utcnow
from triage.outcomes import TipOutcome, record_outcome
from triage.readable import Reader

__all__ = ["add_outcome_commands", "outcome_lines"]

# As typed at the shell (hyphens), as stored (underscores).
TYPED = {"found": "found", "reunited": "reunited", "not-the-child": "not_the_child"}
TYPED["no-trace"] = "no_trace"


def outcome_lines(found: TipOutcome, reader: Reader) -> list[str]:
    """The tip's outcome (latest first) and its tipster's earlier tips, in the reader's words."""
    text = catalogue().text
    lines = [reader.pair(text(reader.language, "outcome.title"), "").rstrip()]
    for o in found.outcomes or []:
        kind = reader.label("outcome", o.kind)
        line = text(reader.language, "outcome.now", kind=kind, day=o.happened_on.isoformat())
        by = text(reader.language, "outcome.by", name=o.recorded_by, at=_at(o.recorded_at, reader))
        lines.append(f"  {line} · {by}" + (f" · {o.note}" if o.note else ""))
    if not found.outcomes:
        lines.append("  " + text(reader.language, "outcome.none"))
    lines.append(reader.pair(text(reader.language, "reporter.title"), "").rstrip())
    history = found.reporter
    if history is None:
        lines.append("  " + text(reader.language, "reporter.unknown"))
    elif history.earlier == 0:
        lines.append("  " + text(reader.language, "reporter.none"))
    else:
        counts = text(
            reader.language,
            "reporter.counts",
            earlier=history.earlier,
            verified=history.verified,
            false=history.false,
        )
        lines.append(f"  {counts}")
    return lines


def _at(moment: datetime, reader: Reader) -> str:
    return shown(moment, reader.tz)


def add_outcome_commands(tips: click.Group, load: Callable[[], Settings]) -> None:
    """Register `tips outcome` on the CLI's tips group."""

    @tips.command("outcome")
    @click.argument("ref")
    @click.argument("outcome", type=click.Choice(list(TYPED)))
    @click.option("--on", "day", default=None, help="The day it happened, YYYY-MM-DD (today).")
    @click.option("--note", default=None, help="A note on what happened (optional).")
    @click.option("--as", "name", required=True, help="The coordinator recording it.")
    def outcome(ref: str, outcome: str, day: str | None, note: str | None, name: str) -> None:
        """Record what came of a tip: found, reunited, not the child or no trace (these three
        close the tip)."""
        settings = load()
        today = utcnow().astimezone(zone(settings.homeward_timezone)).date()
        try:
            happened_on = date.fromisoformat(day) if day else today
        except ValueError:
            raise click.BadParameter("give the day as YYYY-MM-DD", param_hint="--on") from None
        with acting_on(settings, ref, name) as (session, report, coordinator):
            record_outcome(
                session=session,
                report_ids=[report.id or 0],
                coordinator=coordinator,
                kind=TYPED[outcome],
                happened_on=happened_on,
                today=today,
                note=note,
            )
            closed = report.status == ReportStatus.CLOSED
        said = f"{ref}: {outcome} on {happened_on.isoformat()}"
        click.echo(f"{said}; the tip is closed" if closed else said)
