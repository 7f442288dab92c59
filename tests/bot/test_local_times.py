"""Coordinators read every time in HOMEWARD_TIMEZONE; JSON and CSV carry the offset.

The zone is picked so that its date differs from UTC's when the tip came in: a time shown
in UTC would show the wrong day.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.cli import cli
from storage import session_scope
from storage.reports import get_report, list_events
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


def zone_on_another_day(moment: datetime) -> str:
    """UTC-12 before noon UTC, UTC+14 after: either way the local date is not UTC's."""
    name = "Etc/GMT+12" if moment.hour < 12 else "Pacific/Kiritimati"
    assert moment.astimezone(ZoneInfo(name)).date() != moment.date()
    return name


@pytest.fixture
def told(engine, tipster) -> tuple[str, datetime, str]:
    """A tip told moments ago: its reference, when it came in, and a zone on another day."""
    ref = report_sighting(tipster)
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        received = report.created_at
    return ref, received, zone_on_another_day(received)


def cli_runner(database_url: str, secret_key: str, data_dir, zone: str) -> CliRunner:
    return CliRunner(
        env={
            "DATABASE_URL": database_url,
            "HOMEWARD_SECRET_KEY": secret_key,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(data_dir),
            "HOMEWARD_TIMEZONE": zone,
        }
    )


def first_event_at(engine, ref: str) -> datetime:
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None and report.id is not None
        return list_events(session=session, report_id=report.id)[0].at


def test_tips_list_and_show_print_local_times(told, engine, database_url, secret_key, data_dir):
    ref, received, zone = told
    local, utc = received.astimezone(ZoneInfo(zone)), received.astimezone(ZoneInfo("UTC"))
    runner = cli_runner(database_url, secret_key, data_dir, zone)

    listed = runner.invoke(cli, ["tips", "list"]).output
    shown = runner.invoke(cli, ["tips", "show", ref]).output
    as_json = json.loads(runner.invoke(cli, ["tips", "list", "--json"]).output)

    assert f"{local:%Y-%m-%d %H:%M}" in listed and f"{utc:%Y-%m-%d %H:%M}" not in listed
    submitted = first_event_at(engine, ref).astimezone(ZoneInfo(zone))
    assert f"{submitted:%Y-%m-%d %H:%M:%S}" in shown and f"{utc:%Y-%m-%d %H:%M}" not in shown
    assert as_json[0]["created_at"] == local.isoformat(timespec="seconds")
    assert datetime.fromisoformat(as_json[0]["created_at"]) == received.replace(microsecond=0)


def test_an_export_carries_local_times_with_their_offset(
    told, engine, database_url, secret_key, data_dir
):
    ref, received, zone = told
    local = received.astimezone(ZoneInfo(zone))
    CoordinatorActor(engine, "alice").claims(ref)
    runner = cli_runner(database_url, secret_key, data_dir, zone)

    package = json.loads(runner.invoke(cli, ["tips", "export", ref, "--as", "alice"]).output)
    exported = runner.invoke(cli, ["tips", "export", ref, "--format", "csv-keys", "--as", "alice"])
    readable = runner.invoke(
        cli, ["tips", "export", ref, "--format", "csv", "--lang", "en", "--as", "alice"]
    )
    rows = dict(row for row in csv.reader(io.StringIO(exported.output)) if row)

    assert package["created_at"] == rows["created_at"] == local.isoformat(timespec="seconds")
    offset = local.isoformat()[-6:]
    assert package["seen"]["date"].endswith(offset) and rows["seen.date"].endswith(offset)
    said = dict(row for row in csv.reader(io.StringIO(readable.output)) if row)
    assert said["Received"] == f"{local:%Y-%m-%d %H:%M} ({zone})"


def test_the_dashboard_timeline_shows_a_claims_end_in_local_time(
    told, engine, database_url, secret_key, data_dir, cipher, redis_client, queue, intake
):
    ref, received, zone = told
    settings = settings_for(database_url, secret_key, data_dir, homeward_timezone=zone)
    svc = make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip
    enlist(engine, "alice")
    alice = DashboardUser(dashboard_app(svc, Clock()), "alice")
    alice.client.headers["accept-language"] = "en"
    alice.signs_in()
    alice.claims(ref)
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None and report.claimed_until is not None
        until = report.claimed_until

    page = alice.opens(f"/tips/{ref}").text

    assert f"{until.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" in page
    assert until.isoformat() not in page and f"{received:%Y-%m-%d %H:%M}" not in page
