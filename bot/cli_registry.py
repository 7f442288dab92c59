"""`homeward registry import|list|show` and `homeward match REF`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import click
from rq import Queue

from bot.cli_progress import Progress
from bot.settings import Settings
from handlers.catalogue import DEFAULT_LANGUAGE
from handlers.phrases import say
from storage import make_engine, session_scope, utcnow
from storage.coordinators import find_coordinator
from storage.registry_search import get_entry
from storage.reports import get_report
from triage import QUEUE_NAME, dispatch_report, redis_connection
from triage.decisions import decide_link, decide_match
from triage.match_calibration import PRIOR_NAMES, calibration_report, read_pairs
from triage.matching_jobs import candidates_of, match_report, rematch_open_tips
from triage.registry import ImportFailed, import_registry_csv
from triage.registry_entries import entry_as_dict, list_entries
from triage.tips_import import import_tips_jsonl
from triage.workflow import WorkflowError

__all__ = ["add_registry_commands"]


def add_registry_commands(cli: click.Group, load: Callable[[], Settings]) -> None:
    """Register the registry and matching commands."""

    @cli.group()
    def registry() -> None:
        """The missing-child registry."""

    @registry.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON, no progress.")
    def registry_import(path: Path, as_json: bool) -> None:
        """Load a UTF-8 CSV (all rows or none); re-importing a case_id updates it."""
        settings = load()
        engine = make_engine(settings.database())
        try:
            with Progress(quiet=as_json) as progress, session_scope(engine) as session:
                entries, new = import_registry_csv(
                    session=session,
                    text=path.read_text(encoding="utf-8"),
                    progress=progress,
                    cipher=settings.cipher(),
                    actor="homeward registry import",
                )
                rematch_open_tips(session=session, entries=entries, progress=progress)
        except ImportFailed as failed:
            for error in failed.errors:
                click.echo(f"line {error.line}: {error.reason}", err=True)
            raise click.ClickException(str(failed)) from failed
        counts = {"entries": len(entries), "new": new, "updated": len(entries) - new}
        if as_json:
            click.echo(json.dumps({**counts, "seconds": round(progress.seconds, 1)}))
            return
        click.echo(
            f"imported {len(entries)} entries ({new} new, {len(entries) - new} updated) "
            f"in {progress.seconds:.1f} s"
        )

    @registry.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def registry_list(as_json: bool) -> None:
        """Registry entries by case id."""
        with session_scope(make_engine(load().database())) as session:
            rows = [entry_as_dict(e) for e in list_entries(session=session)]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            click.echo(
                f"{row['case_id']}  {row['kind']:<21} {row['name']}  {row['home_province'] or '-'}"
            )

    @registry.command("show")
    @click.argument("case_id")
    def registry_show(case_id: str) -> None:
        """One registry entry as JSON (the family's contact masked)."""
        settings = load()
        with session_scope(make_engine(settings.database())) as session:
            entry = get_entry(session=session, case_id=case_id)
            if entry is None:
                raise click.ClickException(f"no registry entry {case_id}")
            shown = entry_as_dict(entry, settings.cipher())
            click.echo(json.dumps(shown, ensure_ascii=False, indent=2))

    tips = cli.commands["tips"]
    assert isinstance(tips, click.Group)

    @tips.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON, no progress.")
    def tips_import(path: Path, as_json: bool) -> None:
        """Load tips taken outside the bot (JSON lines, as `tips show --json` prints them)."""
        settings = load()
        engine = make_engine(settings.database())
        with Progress(quiet=as_json) as progress:
            try:
                with session_scope(engine) as session:
                    added = import_tips_jsonl(
                        session=session,
                        text=path.read_text(encoding="utf-8"),
                        cipher=settings.cipher(),
                        progress=progress,
                    )
                    ids = [r.id or 0 for r in added]
            except ImportFailed as failed:
                for error in failed.errors:
                    click.echo(f"line {error.line}: {error.reason}", err=True)
                raise click.ClickException(str(failed)) from failed
            with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
                queue = Queue(QUEUE_NAME, connection=connection)
                for done, report_id in enumerate(ids, start=1):
                    dispatch_report(engine, queue, report_id)
                    progress("queueing tips", done, len(ids))
        if as_json:
            click.echo(json.dumps({"tips": len(ids), "seconds": round(progress.seconds, 1)}))
            return
        click.echo(f"imported {len(ids)} tip(s) in {progress.seconds:.1f} s")

    @cli.command("decide")
    @click.argument("ref")
    @click.option("--match", "case_id", default=None, help="A registry case proposed for this tip.")
    @click.option(
        "--same-child", "other_ref", default=None, help="A tip proposed as the same child."
    )
    @click.option("--confirm/--dismiss", required=True)
    @click.option("--as", "name", required=True, help="The coordinator deciding.")
    def decide(
        ref: str, case_id: str | None, other_ref: str | None, confirm: bool, name: str
    ) -> None:
        """Confirm or dismiss a proposed registry match or same-child link (recorded).

        On a tip someone else has claimed, only a lead may decide (recorded as overruling).
        """
        if (case_id is None) == (other_ref is None):
            raise click.UsageError("give exactly one of --match CASE or --same-child REF")
        settings = load()
        engine = make_engine(settings.database())
        with session_scope(engine) as session:
            report = get_report(session=session, ref=ref)
            coordinator = find_coordinator(session=session, name=name)
            if report is None or coordinator is None:
                raise click.ClickException("unknown tip, or not on the coordinator allow-list")
            try:
                if case_id:
                    decide_match(
                        session=session,
                        report=report,
                        case_id=case_id,
                        coordinator=coordinator,
                        confirm=confirm,
                        now=utcnow(),
                    )
                else:
                    other = get_report(session=session, ref=other_ref or "")
                    if other is None:
                        raise click.ClickException(f"no tip {other_ref}")
                    decide_link(
                        session=session,
                        report=report,
                        other=other,
                        coordinator=coordinator,
                        confirm=confirm,
                        now=utcnow(),
                    )
            except WorkflowError as error:
                raise click.ClickException(str(error)) from error
            report_id = report.id or 0
        with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
            dispatch_report(engine, Queue(QUEUE_NAME, connection=connection), report_id)
        click.echo("confirmed" if confirm else "dismissed")

    @cli.command("match-calibrate")
    @click.option(
        "--generated",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Pairs saved by `python -m bench.matching --fit --save FILE`.",
    )
    @click.option("--json", "as_json", is_flag=True)
    def match_calibrate(generated: Path | None, as_json: bool) -> None:
        """Coordinators' verdicts against the scores given, and the calibration curve refitted."""
        pairs = read_pairs(generated.read_text(encoding="utf-8")) if generated else []
        with session_scope(make_engine(load().database())) as session:
            report = calibration_report(session=session, generated=pairs)
        if as_json:
            click.echo(json.dumps(asdict(report), indent=2))
            return
        click.echo(f"{report.verdicts} verdicts, {report.generated} generated pairs")
        for band in report.bands:
            click.echo(
                f"score {band.low:.1f}-{min(band.high, 1):.1f}: {band.confirmed} of "
                f"{band.decided} confirmed"
            )
        click.echo(f"current CALIBRATION = {report.current}")
        if report.refitted is None:
            click.echo("too few confirmed and dismissed pairs to refit")
        else:
            click.echo(f"refitted CALIBRATION = {report.refitted} (triage/matching/calibration.py)")
        for names in report.names:
            counts = ", ".join(f"{way} {n}" for way, n in names.counts.items())
            table = f"{names.whose.upper()}_SHARES"
            heard = "the adults used" if names.whose == "adults" else "the child gave"
            click.echo(f"names {heard}, on confirmed matches: {counts}")
            if names.refitted is None:
                click.echo(f"no such name heard yet: {table} stays {names.current}")
            else:
                click.echo(
                    f"refitted {table} = {names.refitted} (triage/matching/name_channels.py; "
                    f"the current shares count as {PRIOR_NAMES} names)"
                )

    @cli.command()
    @click.argument("ref")
    @click.option("--json", "as_json", is_flag=True)
    def match(ref: str, as_json: bool) -> None:
        """Recompute a tip's registry matches and print them, best first."""
        with session_scope(make_engine(load().database())) as session:
            report = get_report(session=session, ref=ref)
            if report is None:
                raise click.ClickException(f"no tip {ref}")
            match_report(session=session, report=report)
            matches = candidates_of(session, report.id or 0)
        if as_json:
            click.echo(json.dumps(matches, ensure_ascii=False, indent=2))
            return
        for m in matches:
            why = "; ".join(say(DEFAULT_LANGUAGE, reason) for reason in m["reasons"])  # type: ignore[attr-defined]
            click.echo(f"{m['case_id']}  {m['score']:.2f}  {why}")
