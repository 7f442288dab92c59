"""`homeward tips show` lists the tips probably about the same child, in JSON and in words."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli
from tests.bot.review_helpers import two_sightings_of_the_sample_boy
from tests.conftest import REDIS_URL
from tests.triage.coordinators import CoordinatorActor


def test_tips_show_lists_same_child_links_with_score_reasons_and_status(
    engine, intake, cipher, queue, redis_client, database_url, tmp_path
):
    first, second = two_sightings_of_the_sample_boy(
        engine, intake, cipher, queue, redis_client, database_url
    )
    CoordinatorActor(engine, "alice")
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_DATA_DIR": str(tmp_path),
        }
    )
    decided = runner.invoke(
        cli, ["decide", second, "--same-child", first, "--confirm", "--as", "alice"]
    )
    assert decided.exit_code == 0, decided.output

    shown = json.loads(runner.invoke(cli, ["tips", "show", first, "--json"]).output)
    [link] = shown["links"]
    assert set(link) == {"ref", "score", "reasons", "status"}
    assert link["ref"] == second and link["status"] == "confirmed" and link["score"] >= 0.6
    assert {"key": "review.link.similar_names"} in link["reasons"]

    english = runner.invoke(cli, ["tips", "show", first, "--lang", "en"]).output.splitlines()
    at = english.index("Tips probably about the same child")
    assert english[at + 1].startswith(
        f"  {second}  {link['score']:.2f}  confirmed  same city: 东莞市; "
    )
    assert "links:" not in "\n".join(english)  # in words, not as JSON
    chinese = runner.invoke(cli, ["tips", "show", first, "--lang", "zh"]).output
    assert "可能是同一个孩子的其他线索" in chinese and "已确认" in chinese
