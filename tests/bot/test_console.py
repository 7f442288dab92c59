"""`homeward chat` as a hotline operator or a first-time user runs it: a real process on stdin."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bot.console import parse_line
from handlers import InboundKind

SIGHTING = [
    "1",  # a sighting
    "继续",
    "广东省东莞市长安镇的一家电子厂门口",
    "3天前",
    "孩子现在就在那里",
    "女孩",
    "七八岁",
    "右手有一道疤",
    "妞妞",
    "王小丽, 丽丽",
    "她说她家在四川，想找妈妈",
    "四川话 / 西南官话",
    "1",
    "1 2 4",
    "晚上在路边卖花",
    "9",
    "两个男人，自称是她叔叔",
    "/skip",
    "留下电话号码",
    "138 0013 8000",
    "提交",
]


def run_homeward(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def homeward(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "") -> str:
    return run_homeward(args, env, cwd, stdin).stdout


@pytest.fixture(params=["embedded", "servers"])
def env(
    request: pytest.FixtureRequest, tmp_path: Path, database_url: str, engine
) -> dict[str, str]:
    """The embedded default (SQLite + embedded Redis), or the test database and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env["HOMEWARD_DATA_DIR"] = str(tmp_path / "data")
    if request.param == "servers":
        from tests.conftest import REDIS_URL

        env["DATABASE_URL"] = database_url
        env["REDIS_URL"] = REDIS_URL
    return env


def redis_servers_left(data: Path, *, settle: bool = True) -> set[int]:
    """Live redis-server processes working in `data` (an embedded Redis chdirs to its data
    directory); with `settle`, waits for an exiting one to be gone. Other tests' servers don't
    count."""
    deadline = time.monotonic() + 30
    while True:
        live: set[int] = set()
        for process in psutil.process_iter(["name", "status"]):
            if process.info["name"] != "redis-server":
                continue
            with contextlib.suppress(psutil.Error):
                if process.info["status"] != psutil.STATUS_ZOMBIE and Path(
                    process.cwd()
                ).is_relative_to(data):
                    live.add(process.pid)
        if not live or not settle or time.monotonic() > deadline:
            return live
        time.sleep(0.1)


def test_a_scripted_chat_completes_a_sighting_and_tips_show_has_every_field(env, tmp_path):
    out = homeward(
        ["chat", "--lang", "zh", "--session", "operator-1"],
        env,
        tmp_path,
        "\n".join(SIGHTING) + "\n",
    )
    assert not redis_servers_left(tmp_path)  # the embedded Redis was stopped with the process
    assert "报告编号" in out
    ref = out.split("报告编号：")[1].split()[0]

    listing = json.loads(homeward(["tips", "list", "--json"], env, tmp_path))
    assert [t["ref"] for t in listing] == [ref]
    tip = json.loads(homeward(["tips", "show", ref, "--json"], env, tmp_path))

    assert tip["kind"] == "sighting" and tip["status"] == "new"
    assert tip["place"]["province"] == "广东" and tip["place"]["city"] == "东莞市"
    assert tip["place"]["text"] == "广东省东莞市长安镇的一家电子厂门口"
    assert tip["seen"]["text"] == "3天前" and tip["seen"]["date"]
    assert tip["presence"] == "there_now"
    assert tip["child"] == {
        "sex": "girl",
        "age_min": 7,
        "age_max": 8,
        "description": "右手有一道疤",
    }
    assert tip["names_used"] == ["妞妞"]
    assert tip["names_given"] == ["王小丽", "丽丽"]
    assert tip["child_said"] == "她说她家在四川，想找妈妈"
    assert tip["dialect"]["group"] == "southwestern"
    assert tip["dialect"]["candidate_provinces"][0] == "四川"
    assert tip["dialect"]["differs_from_local"] == "yes"
    assert tip["signs"] == ["wants_home", "afraid", "begging_working"]
    assert tip["signs_text"] == "晚上在路边卖花"
    assert tip["adults"] == "两个男人，自称是她叔叔"
    assert tip["contact"] == {"anonymous": False, "phone": "+86138****8000"}
    assert "13800138000" not in json.dumps(tip)
    if "REDIS_URL" in env:  # jobs wait for `homeward worker`, and say so
        assert [e["action"] for e in tip["events"]] == ["submitted"]
        assert tip["urgency"] is None
        assert "Urgency: not assessed yet" in homeward(
            ["tips", "show", ref, "--lang", "en"], env, tmp_path
        )
    else:  # the zero-config trial runs them itself: a newcomer sees a scored tip
        actions = [e["action"] for e in tip["events"]]
        assert actions[0] == "submitted" and {"queued_for_review", "assessed"} <= set(actions)
        assert tip["urgency"]["score"] == 100 and "wants_home:+10" in tip["urgency"]["reasons"]
        listed = homeward(["tips", "list"], {**env, "LANG": "zh_CN.UTF-8"}, tmp_path)
        assert f"{ref}   100 " in listed  # 3 days ago: urgent, not imminent

    homeward(["coordinators", "add", "alice"], env, tmp_path)
    revealed = json.loads(
        homeward(
            [
                "tips",
                "show",
                ref,
                "--json",
                "--reveal",
                "--reason",
                "police asked",
                "--as",
                "alice",
            ],
            env,
            tmp_path,
        )
    )
    assert revealed["contact"]["phone"] == "+8613800138000"
    assert revealed["events"][-1]["actor"] == "alice"
    assert revealed["events"][-1]["action"] == "contact_revealed"


@pytest.mark.parametrize("env", ["servers"], indirect=True)
def test_an_unassessed_tip_reads_so_in_the_terminals_language(env, tmp_path):
    out = homeward(["chat", "--lang", "zh"], env, tmp_path, "\n".join(SIGHTING) + "\n")
    ref = out.split("报告编号：")[1].split()[0]
    listed = homeward(["tips", "list"], {**env, "LANG": "zh_CN.UTF-8"}, tmp_path)
    assert f"{ref}   尚未评估" in listed


@pytest.mark.parametrize("env", ["embedded"], indirect=True)
def test_a_report_survives_the_process_ending_mid_interview(env, tmp_path):
    first = homeward(
        ["chat", "--lang", "en", "--session", "caller-7"],
        env,
        tmp_path,
        "1\nContinue\nGuangzhou South station\n",
    )
    assert "When did you last see the child?" in first
    second = homeward(["chat", "--session", "caller-7"], env, tmp_path, "1\nyesterday\n")
    assert "unfinished report" in second
    assert "Is the child still there?" in second


@pytest.mark.parametrize("env", ["embedded"], indirect=True)
def test_worker_burst_runs_the_follow_up(env, tmp_path):
    homeward(
        ["chat", "--lang", "en", "--session", "w"],
        env,
        tmp_path,
        "4\nContinue\nKunming\nToday\nA van with children\nDone\nStay anonymous\nSubmit\n",
    )
    homeward(["worker", "--burst"], env, tmp_path)
    assert not redis_servers_left(tmp_path)
    ref = json.loads(homeward(["tips", "list", "--json"], env, tmp_path))[0]["ref"]
    tip = json.loads(homeward(["tips", "show", ref, "--json"], env, tmp_path))
    assert [e["action"] for e in tip["events"]] == ["submitted", "queued_for_review", "assessed"]


def test_an_explicit_lang_wins_over_the_conversations_language(intake) -> None:
    """A shared hotline terminal: the same session (the user name), a different caller."""
    import io

    from bot.console import run_console

    def chat(language: str | None, typed: str) -> str:
        out = io.StringIO()
        run_console(
            intake, language=language, session="hotline", stdin=io.StringIO(typed), stdout=out
        )
        return out.getvalue()

    assert "你在哪里看到这个孩子" in chat("zh", "1\n继续\n")
    in_english = chat("en", "1\n")  # resume the draft
    assert "unfinished report" in in_english and "Where did you see the child?" in in_english
    assert "你" not in in_english
    assert "unfinished report" in chat(None, "")  # no --lang: the language last chosen


def test_the_operator_types_a_command_word_as_a_tipster_would_on_wechat() -> None:
    line = parse_line("开始", user_id="operator")
    assert (line.kind, line.text) == (InboundKind.COMMAND, "start")


def test_log_lines_never_land_among_the_questions(tmp_path, database_url, engine):
    """An imminent tip in the zero-config trial is logged by the jobs the chat runs itself:
    to a file in the data folder, never on the tipster's or the operator's screen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env["HOMEWARD_DATA_DIR"] = str(tmp_path / "data")
    imminent = ["两个小时前" if answer == "3天前" else answer for answer in SIGHTING]
    result = run_homeward(
        ["chat", "--lang", "zh", "--session", "operator-2"],
        env,
        tmp_path,
        "\n".join(imminent) + "\n",
    )
    assert "WARNING" not in result.stdout + result.stderr
    assert "INFO" not in result.stdout + result.stderr
    assert "IMMINENT" in (tmp_path / "data" / "homeward.log").read_text()
