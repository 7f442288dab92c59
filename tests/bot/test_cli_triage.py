"""Coordinators work the queue from the command line, acting as themselves."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_coordinators_claim_note_refer_and_export_from_the_cli(
    database_url, engine, tmp_path: Path
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
    }
    chat = run(
        ["chat", "--lang", "en", "--session", "caller"],
        env,
        "4\nContinue\nKunming\nToday\nA van with children\nDone\nLeave a phone number\n"
        "13800138000\nSubmit\n",
    )
    ref = "HW-" + chat.stdout.split("Reference code: HW-")[1].split()[0]

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

    exported = run(["tips", "export", ref, "--format", "csv", "--as", "alice"], env)
    rows = dict(row for row in csv.reader(io.StringIO(exported.stdout)) if row)
    assert rows["status"] == "referred" and rows["contact.phone"] == ""
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
