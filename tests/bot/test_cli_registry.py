"""The registry and tip imports from the command line, and `homeward match`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REDIS_URL
from tests.triage.coordinators import CoordinatorActor
from tests.triage.test_registry import HEADER, SAMPLE

SIGHTING = (
    "\n".join(
        [
            "1",
            "继续",
            "广东东莞长安镇",
            "3天前",
            "1",
            "男孩",
            "十一二岁",
            "左脸有红色胎记",
            "狗娃",
            "李涌",
            "/skip",
            "四川话",
            "1",
            "1",
            "9",
            "/skip",
            "1",
            "保持匿名",
            "提交",
        ]
    )
    + "\n"
)


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_registry_import_match_and_tips_round_trip(database_url, engine, tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
    }
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X-1,family_seeking_kid,甲,,M,,,,,,,\n", encoding="utf-8")
    refused = run(["registry", "import", str(bad)], env)
    assert refused.returncode != 0 and "line 2: kind" in refused.stderr
    imported = run(["registry", "import", str(SAMPLE)], env)
    assert "imported 5 entries (5 new, 0 updated)" in imported.stdout
    assert "BBH-2019-0412" in run(["registry", "list"], env).stdout
    shown = run(["registry", "show", "BBH-2019-0412"], env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "李勇"

    chat = run(["chat", "--lang", "zh", "--session", "w"], env, SIGHTING)
    ref = "HW-" + chat.stdout.split("报告编号：HW-")[1].split()[0]
    matches = json.loads(run(["match", ref, "--json"], env).stdout)
    assert matches[0]["case_id"] == "BBH-2019-0412" and matches[0]["score"] > 0.5
    assert all(set(m) >= {"case_id", "score", "reasons"} for m in matches)
    shown = json.loads(run(["tips", "show", ref, "--json"], env).stdout)
    assert [m["case_id"] for m in shown["matches"]] == [m["case_id"] for m in matches]

    exported = dict(shown, ref="HW-2222-33")
    lines = tmp_path / "tips.jsonl"
    lines.write_text(json.dumps(exported, ensure_ascii=False) + "\n{not json}\n", encoding="utf-8")
    assert "line 2" in run(["tips", "import", str(lines)], env).stderr
    lines.write_text(json.dumps(exported, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "imported 1 tip(s)" in run(["tips", "import", str(lines)], env).stdout
    again = json.loads(run(["tips", "show", "HW-2222-33", "--json"], env).stdout)
    for field in (
        "kind",
        "place",
        "seen",
        "presence",
        "child",
        "names_used",
        "names_given",
        "dialect",
        "signs",
        "signs_text",
        "adults",
        "answers",
    ):
        assert again[field] == shown[field], field
    assert again["channel"] == "import"
    assert "imported 0 tip(s)" in run(["tips", "import", str(lines)], env).stdout  # idempotent

    # A coordinator confirms the match: a labelled pair, and the names heard on it.
    CoordinatorActor(engine, "alice")
    decided = run(["decide", ref, "--match", "BBH-2019-0412", "--confirm", "--as", "alice"], env)
    assert decided.returncode == 0, decided.stderr
    learnt = run(["match-calibrate"], env).stdout
    assert "1 verdicts, 0 generated pairs" in learnt
    assert "names the child gave, on confirmed matches: exact 1," in learnt
    assert "refitted CHILD_SHARES = {'exact': 0.619," in learnt
    assert "the current shares count as 20 names" in learnt
    assert json.loads(run(["match-calibrate", "--json"], env).stdout)["names"][1]["counts"] == {
        "exact": 1, "given": 0, "other_surname": 0, "nickname": 0, "new": 0
    }  # fmt: skip


def on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run a command with its standard error on a pseudo-terminal, as a person would see it."""
    import pty

    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], stderr=follower, stdout=subprocess.PIPE,
        env=env, timeout=120, check=False,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return seen.decode("utf-8", "replace") + done.stdout.decode()


def test_imports_show_progress_on_a_terminal_and_stay_quiet_when_piped(
    database_url, engine, tmp_path: Path
):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           "HOMEWARD_DATA_DIR": str(tmp_path)}  # fmt: skip
    shown = on_a_terminal(["registry", "import", str(SAMPLE)], env)
    assert "storing entries" in shown and "imported 5 entries" in shown and " s" in shown
    piped = run(["registry", "import", str(SAMPLE)], env)
    assert "storing entries" not in piped.stderr + piped.stdout
    counts = json.loads(run(["registry", "import", "--json", str(SAMPLE)], env).stdout)
    assert counts["entries"] == 5 and counts["updated"] == 5 and "seconds" in counts


def test_registry_import_takes_the_casework_columns_and_show_masks_the_contact(
    database_url, engine, tmp_path: Path
):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           "HOMEWARD_DATA_DIR": str(tmp_path)}  # fmt: skip
    casework = tmp_path / "casework.csv"
    casework.write_text(
        HEADER.rstrip("\n") + ",status,police_case_number,dna_status,family_contact\n"
        "CW-1,family_seeking_child,王小明,,M,2015,2019-01-01,,河南,,,,found,豫 118,taken,"
        "母亲 138 0013 8000\n",
        encoding="utf-8",
    )
    imported = run(["registry", "import", str(casework)], env)
    assert imported.returncode == 0, imported.stderr
    shown = json.loads(run(["registry", "show", "CW-1"], env).stdout)
    assert (shown["status"], shown["police_case_number"], shown["dna_status"]) == (
        "found",
        "豫 118",
        "taken",
    )
    assert shown["family_contact"] == "****8000"
    assert "0013" not in json.dumps(shown, ensure_ascii=False)
