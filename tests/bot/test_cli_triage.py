"""Coordinators work the queue from the command line, acting as themselves."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from storage import Role
from tests.bot.dashboard_helpers import report_sighting
from tests.conftest import REDIS_URL
from tests.triage.coordinators import CoordinatorActor


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
    }


def phoned_in_tip(env: dict[str, str]) -> str:
    """A tip keyed at the terminal, with the caller's phone number; its reference."""
    chat = run(
        ["chat", "--lang", "en", "--session", "caller"],
        env,
        "4\nContinue\nKunming\nToday\nA van with children\nDone\nLeave a phone number\n"
        "13800138000\nSubmit\n",
    )
    return "HW-" + chat.stdout.split("Reference code: HW-")[1].split()[0]


def test_coordinators_claim_note_refer_and_export_from_the_cli(
    database_url, engine, tmp_path: Path
):
    env = cli_env(database_url, tmp_path)
    ref = phoned_in_tip(env)

    assert run(["coordinators", "add", "alice"], env).returncode == 0
    assert run(["coordinators", "add", "lee", "--role", "lead"], env).returncode == 0
    assert "alice  coordinator" in run(["coordinators", "list"], env).stdout

    refused = run(["tips", "claim", ref, "--as", "mallory"], env)
    assert refused.returncode != 0 and "not on the coordinator allow-list" in refused.stderr
    assert run(["tips", "claim", ref, "--as", "alice"], env).returncode == 0
    second = run(["tips", "claim", ref, "--as", "lee"], env)
    assert second.returncode != 0 and "claimed by someone else" in second.stderr
    assert run(["tips", "note", ref, "checked the plate", "--as", "alice"], env).returncode == 0
    bad = run(["tips", "status", ref, "closed", "--as", "alice"], env)
    assert "closing needs a reason" in bad.stderr
    refer = run(
        ["tips", "refer", ref, "--kind", "police", "--to", "Kunming PSB", "--as", "alice"], env
    )
    assert refer.returncode == 0, refer.stderr

    exported = run(["tips", "export", ref, "--format", "csv", "--lang", "en", "--as", "alice"], env)
    rows = dict(row for row in csv.reader(io.StringIO(exported.stdout)) if row)
    assert rows["Status"] == "Referred" and rows["Tipster's contact"].startswith("left out")
    assert "13800138000" not in exported.stdout and "checked the plate" not in exported.stdout
    with_identity = run(["tips", "export", ref, "--include-identity", "--as", "alice"], env)
    assert "needs a reason" in with_identity.stderr
    with_identity = run(
        [
            "tips",
            "export",
            ref,
            "--include-identity",
            "--reason",
            "police request",
            "--as",
            "alice",
        ],
        env,
    )
    assert json.loads(with_identity.stdout)["contact"]["phone"] == "+8613800138000"

    events = json.loads(run(["tips", "show", ref, "--json"], env).stdout)["events"]
    assert [(e["actor"], e["action"]) for e in events] == [
        ("tipster", "submitted"),
        ("unlisted:mallory", "refused"),
        ("alice", "claimed"),
        ("alice", "status_changed"),
        ("alice", "note_added"),
        ("alice", "status_changed"),
        ("alice", "referred"),
        ("alice", "exported"),
        ("alice", "contact_revealed"),
        ("alice", "exported"),
    ]


def test_a_refusal_on_the_cli_is_a_plain_english_sentence(engine, database_url, tipster, tmp_path):
    ref = report_sighting(tipster)  # a tip in Chinese; the CLI speaks English all the same
    CoordinatorActor(engine, "alice").claims(ref)
    CoordinatorActor(engine, "bob")
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
        }
    )

    taken = runner.invoke(cli, ["tips", "claim", ref, "--as", "bob"])
    unreasoned = runner.invoke(cli, ["tips", "status", ref, "closed", "--as", "alice"])

    assert taken.exit_code == 1
    assert f"Error: {ref} is already claimed by someone else" in taken.output
    assert unreasoned.exit_code == 1
    assert (
        "Error: closing needs a reason: resolved, unfounded, duplicate, or no action possible"
        in unreasoned.output
    )
    assert "workflow." not in taken.output + unreasoned.output  # never a bare catalogue key


def test_a_lead_blocks_a_hotline_caller_from_the_cli_and_lifts_it(database_url, engine, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
    }
    caller = ["chat", "--lang", "en", "--session", "caller"]
    chat = run(
        caller, env, "4\nContinue\nKunming\nToday\nA man, a baby\nDone\nStay anonymous\nSubmit\n"
    )
    ref = "HW-" + chat.stdout.split("Reference code: HW-")[1].split()[0]
    CoordinatorActor(engine, "alice")
    CoordinatorActor(engine, "lee", Role.LEAD)

    refused = run(["tips", "block", ref, "--reason", "abuse", "--as", "alice"], env)
    assert refused.returncode != 0 and "only a lead can block" in refused.stderr
    blocked = run(["tips", "block", ref, "--reason", "thirty calls of abuse", "--as", "lee"], env)
    assert blocked.returncode == 0, blocked.stderr
    again = run(caller, env, "/start\nyou will never find them\n")
    # The console's own greeting, then each line: one neutral answer each.
    assert again.stdout.count("Thank you, your message has been received.") == 3
    assert "What would you like to report" not in again.stdout

    assert run(["tips", "unblock", ref, "--as", "lee"], env).returncode == 0
    assert "Thank you, your message" not in run(caller, env, "/start\n").stdout
    events = json.loads(run(["tips", "show", ref, "--json"], env).stdout)["events"]
    blocks = [(e["actor"], e["action"], e["detail"]) for e in events if "block" in e["action"]]
    assert blocks[0] == ("lee", "tipster_blocked", {"reason": "thirty calls of abuse"})
    assert blocks[1][:2] == ("lee", "tipster_unblocked")


def test_revealing_a_contact_names_an_allow_listed_coordinator(engine, database_url, tmp_path):
    env = cli_env(database_url, tmp_path)
    ref = phoned_in_tip(env)
    CoordinatorActor(engine, "alice")
    reveal = ["tips", "show", ref, "--json", "--reveal", "--reason", "police asked"]

    nameless = run(reveal, env)
    unlisted = run([*reveal, "--as", "mallory"], env)
    shown = run([*reveal, "--as", "alice"], env)

    assert nameless.returncode == 2 and "--as NAME" in nameless.stderr
    assert unlisted.returncode == 1 and "not on the coordinator allow-list" in unlisted.stderr
    assert "13800138000" not in nameless.stdout + unlisted.stdout
    assert json.loads(shown.stdout)["contact"]["phone"] == "+8613800138000"
    events = json.loads(run(["tips", "show", ref, "--json"], env).stdout)["events"]
    assert [(e["actor"], e["action"]) for e in events] == [
        ("tipster", "submitted"),
        ("unlisted:mallory", "refused"),
        ("alice", "contact_revealed"),
    ]
    assert events[-1]["detail"] == {"reason": "police asked"}

    text = run(
        ["tips", "show", ref, "--lang", "en", "--reveal", "--reason", "court", "--as", "alice"], env
    )
    lines = text.stdout.splitlines()
    contact = lines.index("  Tipster's contact: +8613800138000")
    assert lines[contact + 1 :].count("  Revealed by alice, reason recorded: court") == 1
    masked = run(["tips", "show", ref, "--lang", "en"], env).stdout
    assert "Revealed by" not in masked and "13800138000" not in masked


def test_adding_someone_already_listed_never_changes_their_role(engine, database_url, tmp_path):
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
        }
    )
    assert runner.invoke(cli, ["coordinators", "add", "alice"]).exit_code == 0
    root = runner.invoke(cli, ["coordinators", "add", "root", "--role", "admin"])
    assert root.exit_code == 0 and root.output == "root is an admin\n"

    again = runner.invoke(cli, ["coordinators", "add", "alice", "--role", "admin"])
    same = runner.invoke(cli, ["coordinators", "add", "alice"])
    by_a_lead = runner.invoke(cli, ["coordinators", "set-role", "alice", "lead", "--as", "alice"])
    listed = runner.invoke(cli, ["coordinators", "list"]).output
    promoted = runner.invoke(cli, ["coordinators", "set-role", "alice", "lead", "--as", "root"])
    history = runner.invoke(cli, ["coordinators", "history"]).output

    assert again.exit_code == 1
    assert "alice is already on the allow-list as a coordinator" in again.output
    assert "homeward coordinators set-role alice admin --as ADMIN" in again.output
    assert same.exit_code == 0  # as listed: nothing to change
    assert by_a_lead.exit_code == 1 and "not an admin" in by_a_lead.output
    assert "alice  coordinator" in listed
    assert promoted.exit_code == 0 and "alice was a coordinator, is now a lead" in promoted.output
    assert "alice  lead" in runner.invoke(cli, ["coordinators", "list"]).output
    lines = [line.split("  ", 1)[1] for line in history.splitlines()]
    assert lines == [
        "cli: added alice role=coordinator",
        "cli: added root role=admin",
        "root: role_changed alice from=coordinator to=lead",
    ]


def test_a_phoned_in_tip_says_it_cant_be_asked_and_keeps_the_callback_arrangement(
    engine, database_url, tmp_path
):
    env = cli_env(database_url, tmp_path)
    ref = phoned_in_tip(env)
    CoordinatorActor(engine, "alice")

    shown = run(["tips", "show", ref], env).stdout
    asked = run(["tips", "ask", ref, "Which van?", "--as", "alice"], env)
    recorded = run(
        ["tips", "callback", ref, "Call 139 1234 5678 after 8pm, ask for Li", "--as", "alice"], env
    )
    shown_json = run(["tips", "show", ref, "--json"], env)
    assert shown_json.returncode == 0, shown_json.stderr
    masked = json.loads(shown_json.stdout)
    exported = json.loads(run(["tips", "export", ref, "--as", "alice"], env).stdout)

    assert f"Ask the tipster: {ref} came by the hotline; there is no channel to ask back" in shown
    assert asked.returncode == 1 and "no channel to ask back" in asked.stderr
    assert recorded.returncode == 0, recorded.stderr
    assert masked["callback"] == "Call 139****5678 after 8pm, ask for Li"
    assert exported["callback"] is None  # identity stays out of a referral package
    assert ("alice", "callback_recorded") in [(e["actor"], e["action"]) for e in masked["events"]]


def test_a_command_on_a_database_never_set_up_says_what_to_run(tmp_path, monkeypatch, capsys):
    """A shell command before any migration: one line naming `homeward db upgrade`, no trace."""
    from bot.cli import main

    monkeypatch.setenv("HOMEWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never-upgraded.db'}")
    monkeypatch.setattr("sys.argv", ["homeward", "tips", "list"])

    with pytest.raises(SystemExit) as exit_info:
        main()

    error = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert error.startswith("database error: the database has no tables yet")
    assert "homeward db upgrade" in error and "Traceback" not in error and "SELECT" not in error
