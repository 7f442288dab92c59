"""Coordinators record an outcome from the command line; `tips show` says it, and what became
of the tipster's earlier tips, in words and in JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli
from storage import session_scope
from storage.reports import get_report
from tests.bot.dashboard_helpers import report_sighting
from tests.conftest import REDIS_URL
from tests.triage.coordinators import CoordinatorActor, event_log


def test_an_outcome_recorded_at_the_shell_shows_in_tips_show(
    engine, database_url, secret_key, tipster, tmp_path
):
    earlier = report_sighting(tipster)
    with session_scope(engine) as session:
        first = get_report(session=session, ref=earlier)
        assert first is not None
        first.status, first.close_reason = "closed", "unfounded"
    ref = report_sighting(tipster, place="广东省广州市火车站")
    CoordinatorActor(engine, "alice")
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
            "HOMEWARD_SECRET_KEY": secret_key,
        }
    )

    recorded = runner.invoke(
        cli,
        [
            "tips",
            "outcome",
            ref,
            "not-the-child",
            "--on",
            "2026-12-01",
            "--note",
            "older boy",
            "--as",
            "alice",
        ],
    )
    stranger = runner.invoke(cli, ["tips", "outcome", ref, "found", "--as", "mallory"])
    future = runner.invoke(
        cli, ["tips", "outcome", ref, "found", "--on", "2999-01-01", "--as", "alice"]
    )
    shown = runner.invoke(cli, ["tips", "show", ref, "--lang", "en"])
    as_json = json.loads(runner.invoke(cli, ["tips", "show", ref, "--json"]).output)

    assert recorded.exit_code == 0, recorded.output
    assert "not-the-child on 2026-12-01; the tip is closed" in recorded.output
    closing = [e for e in as_json["events"] if e["action"] == "status_changed"]
    assert as_json["status"] == "closed" and [e["actor"] for e in closing] == ["alice"]
    assert "  Status: Closed · Unfounded" in shown.output.splitlines()
    assert "alice: changed the status  from “New” to “Closed”" in shown.output
    assert stranger.exit_code == 1 and "not on the coordinator allow-list" in stranger.output
    assert future.exit_code == 1 and "2999-01-01 is still to come" in future.output
    assert "not the child on 2026-12-01 · recorded by alice" in shown.output
    assert "older boy" in shown.output
    assert "Earlier tips: 1 · verified: 0 · found false: 1" in shown.output
    assert as_json["outcomes"][0] | {"recorded_at": None} == {
        "outcome": "not_the_child",
        "on": "2026-12-01",
        "by": "alice",
        "note": "older boy",
        "recorded_at": None,
    }
    assert as_json["reporter"] == {"earlier": 1, "verified": 0, "false": 1}
    assert ("alice", "outcome_recorded") in event_log(engine, ref)
