"""`homeward tips list` names a tip's status and kind in the reader's language."""

from __future__ import annotations

from bot.cli import cli
from tests.bot.dashboard_helpers import report_sighting
from tests.bot.test_local_times import cli_runner


def test_the_queue_on_the_command_line_reads_in_the_chosen_language(
    tipster, database_url, secret_key, data_dir
):
    ref = report_sighting(tipster)
    runner = cli_runner(database_url, secret_key, data_dir, "Asia/Shanghai")

    chinese = runner.invoke(cli, ["tips", "list", "--lang", "zh"]).output
    english = runner.invoke(cli, ["tips", "list", "--lang", "en"]).output

    line = next(line for line in chinese.splitlines() if line.startswith(ref))
    assert "新线索" in line and "目击" in line and "new" not in line and "sighting" not in line
    assert "New" in english and "Sighting" in english
