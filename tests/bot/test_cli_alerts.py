"""`homeward alerts`: a lead previews, publishes, lists, shows and closes a case alert."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rq import Queue

from storage import session_scope
from tests.bot.test_cli_registry import run
from tests.conftest import REDIS_URL
from tests.triage.test_registry import SAMPLE
from triage.alerts import ALERT_QUEUE, area_from_text, subscribe


def test_a_lead_publishes_lists_shows_and_closes_an_alert(
    database_url, engine, cipher, secret_key, redis_client, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "HOMEWARD_SECRET_KEY": secret_key,
    }
    assert run(["registry", "import", str(SAMPLE)], env).returncode == 0
    assert run(["coordinators", "add", "lin", "--role", "lead"], env).returncode == 0
    assert run(["coordinators", "add", "wen"], env).returncode == 0
    with session_scope(engine) as session:  # two neighbours in Sichuan, one in Fujian
        for user_id, places in (("1", "四川"), ("2", "成都"), ("3", "福建")):
            area = area_from_text(places)
            assert area is not None
            subscribe(
                session=session,
                cipher=cipher,
                platform="telegram",
                user_id=user_id,
                language="zh_CN",
                area=area,
            )
    case, consent = "BBH-2019-0412", "母亲书面同意，2026-12-06"

    preview = run(
        ["alerts", "publish", case, "--as", "lin", "--consent", consent, "--preview"], env
    )
    assert preview.returncode == 0, preview.stderr
    assert "--- zh_CN" in preview.stdout and "--- en" in preview.stdout
    assert "男孩，走失时 4 岁" in preview.stdout and "A boy, aged 4 when missing" in preview.stdout
    assert "would reach 2 subscribers" in preview.stdout
    assert "[]" in run(["alerts", "list", "--json"], env).stdout  # a preview publishes nothing

    refused = run(["alerts", "publish", case, "--as", "wen", "--consent", consent], env)
    assert refused.returncode != 0 and "not a lead" in refused.stderr
    published = run(["alerts", "publish", case, "--as", "lin", "--consent", consent], env)
    assert published.returncode == 0, published.stderr
    assert f"alert 1 published for {case}: 2 subscribers" in published.stdout
    assert len(Queue(ALERT_QUEUE, connection=redis_client)) == 1  # the fan-out is queued

    (listed,) = json.loads(run(["alerts", "list", "--json"], env).stdout)
    assert listed["case_id"] == case and listed["published_by"] == "lin"
    assert listed["deliveries"] == {"pending": 2} and listed["consent"] == consent
    shown = run(["alerts", "show", "1", "--lang", "en"], env).stdout
    assert '"provinces": [' in shown and "Chengdu, Sichuan" in shown

    closed = run(["alerts", "close", "1", "--as", "lin", "--found"], env)
    assert closed.returncode == 0, closed.stderr
    assert "0 subscribers it reached will be told" in closed.stdout  # none sent yet
    assert "found" in run(["alerts", "list"], env).stdout
    again = run(["alerts", "close", "1", "--as", "lin"], env)
    assert again.returncode != 0 and "already closed" in again.stderr
