"""`homeward tips show` as text reads top to bottom in the reader's language: the facts under
the labels the dashboard and the referral sheet use, the questions as the tipster was asked
them, times in the deployment's zone, the phone masked, the log saying who did what."""

from __future__ import annotations

import pytest

from bot.cli import cli
from tests.bot.dashboard_helpers import report_sighting
from tests.bot.test_local_times import cli_runner
from tests.triage.coordinators import CoordinatorActor

# Internal keys and stored values a person must never read.
INTERNAL = (
    "child_name", "dialect_key", "names_used", "child_said", "differs_from_local", "age_min",
    "wants_home", "cantonese", "lives_nearby", "in_review", "zh_CN", "anonymous\":", "{",
    "'key'", "system:", "T0", "+00:00", "+08:00", "13800138000",
)  # fmt: skip


@pytest.fixture
def shown(engine, database_url, secret_key, tipster, tmp_path):
    """The text of `tips show` for a claimed sighting, in a language."""
    ref = report_sighting(tipster)
    CoordinatorActor(engine, "alice").claims(ref)
    runner = cli_runner(database_url, secret_key, tmp_path, "Asia/Shanghai")

    def show(lang: str) -> str:
        result = runner.invoke(cli, ["tips", "show", ref, "--lang", lang])
        assert result.exit_code == 0, result.output
        return result.output

    return show


def test_tips_show_reads_in_english_from_the_first_line(shown):
    text = shown("en")
    lines = text.splitlines()

    assert lines[0] == "The tip" and lines[1].startswith("  Reference: HW-")
    for line in (
        "  Kind: Sighting · Telegram",
        "  Status: In review",
        "  Where the child is: The child lives nearby",
        "  Child: Boy · age 5–6 · 很瘦，左脸有一块胎记",  # the tipster's words as typed
        "  Names the child gave: 李勇",
        "  Tipster's contact: +86138****8000",  # masked: nobody revealed it
        "  Attachments: Photo 1 (not downloaded yet)",
        "  Where did you see the child? Type the place as precisely as you can (city, district,"
        " street, shop, station…) or send a location pin.",
        "    The child lives nearby",
    ):
        assert line in lines, line
    assert "(Asia/Shanghai)" in lines[2]  # received, in the deployment's zone
    assert "Speaks differently from locals: Yes, it's different" in text
    assert "alice: claimed  until: " in text and "alice: changed the status" in text
    for internal in INTERNAL:
        assert internal not in text, internal


def test_tips_show_reads_in_chinese_on_every_line(shown):
    text = shown("zh")
    lines = text.splitlines()

    assert lines[0] == "线索内容" and lines[1].startswith("  编号：HW-")
    assert lines[2].startswith("  收到时间：") and lines[2].endswith("（Asia/Shanghai）")
    for line in (
        "  类型：目击 · Telegram",
        "  状态：审核中",
        "  孩子现在的情况：孩子住在附近",
        "  孩子：男孩 · 年龄 5–6 岁 · 很瘦，左脸有一块胎记",
        "  迹象：说想回家，或提到在别处的父母；看起来害怕身边的大人 · 晚上还在街上卖花",
        "  举报人联系方式：+86138****8000",
        "  附件：照片 1（尚未下载）",
        "  这个孩子现在还在那里吗？",
        "    孩子住在附近",
        "结果：",
    ):
        assert line in lines, line
    assert "alice：认领  截止：" in text and "举报人：提交了线索" in text
    for internal in (*INTERNAL, "Sighting", "Status", "claimed", "none"):
        assert internal not in text, internal
