"""The CSV referral export reads in the coordinator's language: a header and labels as on
the referral sheet, values in words, times in the deployment's zone, identity left out
unless a reason was given; `--format csv-keys` keeps the keys for scripts."""

from __future__ import annotations

import csv
import io

import pytest

from bot.cli import cli
from tests.bot.dashboard_helpers import report_sighting
from tests.bot.test_local_times import cli_runner
from tests.bot.test_tip_text import INTERNAL
from tests.triage.coordinators import CoordinatorActor


@pytest.fixture
def export(engine, database_url, secret_key, tipster, tmp_path):
    """`tips export` of a sighting alice claimed, noted and referred to the police."""
    ref = report_sighting(tipster)
    alice = CoordinatorActor(engine, "alice")
    alice.claims(ref)
    alice.notes(ref, "checked the plate")
    alice.refers(ref, kind="police", to_whom="成都市公安局", reference="CD-2026-7")
    runner = cli_runner(database_url, secret_key, tmp_path, "Asia/Shanghai")

    def run(*options: str) -> str:
        result = runner.invoke(cli, ["tips", "export", ref, *options, "--as", "alice"])
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def rows_of(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row]


def test_the_csv_reads_in_english_with_the_sheets_labels(export):
    rows = rows_of(export("--format", "csv", "--lang", "en"))
    said = dict(rows)

    assert rows[0] == ["Field", "Value"] and rows[1][0] == "Reference"
    assert said["Received"].endswith("(Asia/Shanghai)")
    assert said["Kind"] == "Sighting · Telegram" and said["Status"] == "Referred"
    assert said["Child"] == "Boy · age 5–6 · 很瘦，左脸有一块胎记"
    assert said["Tipster's contact"].startswith("left out of this export")
    assert said["Urgency"] == "not assessed yet"
    assert said["Referrals"].startswith("Police · 成都市公安局 · CD-2026-7 · 2026-")
    assert said["Internal notes (not exported)"] == "1"
    text = "\n".join(cell for row in rows for cell in row)
    assert "checked the plate" not in text
    for internal in (*INTERNAL, "child.sex", "contact.phone", "police,", "referred"):
        assert internal not in text, internal


def test_the_csv_reads_in_chinese_on_every_row(export):
    rows = rows_of(export("--format", "csv", "--lang", "zh"))
    said = dict(rows)

    assert rows[0] == ["项目", "内容"] and rows[1][0] == "编号"
    assert said["收到时间"].endswith("（Asia/Shanghai）")
    assert said["类型"] == "目击 · Telegram" and said["状态"] == "已转交"
    assert said["方言"].startswith("粤语（广东话） · 口音与当地人不同：是的，不一样")
    assert said["举报人联系方式"].startswith("未包含在此导出中")
    assert said["转交记录"].startswith("公安机关 · 成都市公安局 · CD-2026-7 · 2026-")
    assert said["紧急程度"] == "尚未评估"
    labels = [label for label, _ in rows]
    assert all(not label.isascii() for label in labels), labels
    for internal in INTERNAL:
        assert internal not in "\n".join(cell for row in rows for cell in row), internal


def test_csv_keys_keeps_the_jsons_keys_for_scripts(export):
    rows = dict(rows_of(export("--format", "csv-keys")))

    assert rows["field"] == "value" and rows["status"] == "referred"
    assert rows["child.sex"] == "boy" and rows["contact.phone"] == ""
    assert rows["created_at"].endswith("+08:00")


def test_the_contact_is_in_the_csv_only_with_a_reason(export):
    with_reason = export(
        "--format", "csv", "--lang", "zh", "--include-identity", "--reason", "police asked"
    )

    assert dict(rows_of(with_reason))["举报人联系方式"] == "'+8613800138000"
