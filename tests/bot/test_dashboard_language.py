"""A Chinese coordinator reads a worked tip, and the queue, in Chinese from top to bottom.

Reasons, the event log, who acted, the tipster's answers (the question as asked and the
option the tipster tapped) all come from the catalogue in the coordinator's language; what
the tipster typed is shown as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rq import SimpleWorker

from bot.cli import cli
from bot.telegram.coordinators.card import card
from handlers import catalogue
from handlers.times import zone
from storage import MatchCandidate, MatchStatus, RegistryEntry, Role, session_scope, utcnow
from storage.reports import append_event, get_report
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    latin,
    latin_lines,
    report_sighting,
    settings_for,
    visible_lines,
)
from tests.bot.telegram_helpers import make_services
from tests.conftest import REDIS_URL
from triage import MemoryNotifier, Runtime, configure
from triage.readable import Reader

ROOT = Path(__file__).parents[2]
PACKAGES = ("bot", "handlers", "storage", "triage")


@pytest.fixture
def app(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake):
    settings = settings_for(database_url, secret_key, data_dir)
    svc = make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip
    return dashboard_app(svc, Clock())


def signed_in(app, engine, name: str, language: str) -> DashboardUser:
    enlist(engine, name, Role.LEAD)
    user = DashboardUser(app, name)
    user.client.headers["accept-language"] = language
    user.signs_in()
    return user


@pytest.fixture
def worked_tip(app, engine, tipster, queue, redis_client, database_url, cipher) -> str:
    """A Chinese sighting, assessed by the worker, then claimed, noted, verified, referred."""
    ref = report_sighting(tipster)
    configure(Runtime(database_url, notifier=MemoryNotifier(), senders={}, cipher=cipher))
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    alice = signed_in(app, engine, "alice", "en")
    alice.claims(ref)
    alice.notes(ref, "两个邻居都看到了")
    alice.sets_status(ref, "verified", reason="两个人看到")
    alice.posts(f"/tips/{ref}/refer", kind="police", to_whom="成都市公安局", reference="2026-118")
    alice.posts(f"/tips/{ref}/reveal", reason="警方要求")
    alice.posts(f"/tips/{ref}/export", format="json")
    return ref


def test_every_line_of_a_worked_tip_reads_in_chinese(app, engine, worked_tip):
    wang = signed_in(app, engine, "wang", "zh-CN")

    page = wang.opens(f"/tips/{worked_tip}").text

    assert latin(page) == []
    for fragment in (
        "孩子住在附近（+20）",  # an urgency reason
        "系统（自动）",  # who assessed it
        "从「新线索」到「审核中」",  # a status change
        "认领时自动转入",  # and why
        "举报人使用的语言</dt>\n    <dd>中文",
    ):
        assert fragment in page, fragment


def test_the_answers_show_the_questions_asked_and_the_options_tapped(app, engine, worked_tip):
    wang = signed_in(app, engine, "wang", "zh-CN")
    alice = signed_in(app, engine, "alice", "en")

    chinese = wang.opens(f"/tips/{worked_tip}").text
    english = alice.opens(f"/tips/{worked_tip}").text

    for internal in ("safety", "continue", "selected", "wants_home", "lives_nearby"):
        assert internal not in visible_lines(chinese) and internal not in visible_lines(english)
    assert "说想回家，或提到在别处的父母" in chinese  # the option as the tipster saw it
    assert "Asked to go home, or spoke of parents elsewhere" in english
    assert "四川省成都市火车北站附近的小卖部" in english  # typed text stays as typed


def test_the_queue_reads_in_chinese_and_the_imminent_badge_is_not_the_urgency_column(
    app, engine, worked_tip
):
    with session_scope(engine) as session:
        report = get_report(session=session, ref=worked_tip)
        assert report is not None
        report.imminent = True
        session.add(report)
    wang = signed_in(app, engine, "wang", "zh-CN")

    page = wang.opens("/").text

    assert latin(page) == []
    badge = re.search(r'badge-imminent">([^<]+)<', page)
    assert badge and badge.group(1) not in "紧急程度"


def test_an_event_of_an_older_release_still_reads_in_chinese(app, engine, worked_tip):
    with session_scope(engine) as session:
        report = get_report(session=session, ref=worked_tip)
        assert report is not None
        report.urgency_reasons = ["IMMINENT: child in danger now", "child is there now (+30)"]
        session.add(report)
        append_event(
            session=session,
            report_id=report.id or 0,
            actor="unlisted:mallory",
            action="refused",
            detail={"via": "cli"},
        )
        append_event(
            session=session,
            report_id=report.id or 0,
            actor="alice",
            action="status_changed",
            detail={"from": "verified", "to": "referred", "reason": "referred to ngo"},
        )
    wang = signed_in(app, engine, "wang", "zh-CN")

    page = wang.opens(f"/tips/{worked_tip}").text

    assert latin(page.replace("mallory", "")) == []
    assert "即刻危险：孩子此刻可能正处于危险中" in page and "孩子现在就在那里（+30）" in page
    assert "不在名单上的人 mallory" in page and "转交合作机构时自动转入" in page


def test_tips_show_on_the_command_line_says_the_same_in_the_chosen_language(
    worked_tip, database_url, secret_key, data_dir
):
    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "HOMEWARD_SECRET_KEY": secret_key,
            "HOMEWARD_DATA_DIR": str(data_dir),
        }
    )

    chinese = runner.invoke(cli, ["tips", "show", worked_tip, "--lang", "zh"]).output
    english = runner.invoke(cli, ["tips", "show", worked_tip]).output

    for fragment in ("孩子住在附近（+20）", "系统（自动）", "从「新线索」到「审核中」", "中文"):
        assert fragment in chinese, fragment
    for fragment in ("child lives nearby (+20)", "from “New” to “In review”", "Chinese"):
        assert fragment in english, fragment
    for internal in ("'key'", "urgency.", "zh_CN", "continue", "system:", "in_review"):
        assert internal not in chinese and internal not in english, internal


def test_the_groups_card_tells_imminent_danger_from_the_urgency_score_in_chinese(
    engine, worked_tip
):
    with session_scope(engine) as session:
        report = get_report(session=session, ref=worked_tip)
        assert report is not None
        report.imminent = True
        shown = card(report, holder=None, language="zh_CN", tz=zone("Asia/Shanghai"), now=utcnow())

    imminent, title = shown.text.splitlines()[:2]
    assert "紧急度" in title and "紧急" not in imminent and "即刻危险" in imminent
    assert "地点：四川 成都市" in shown.text  # the province first, as Chinese addresses go
    assert ", " not in shown.text and "; " not in shown.text  # Chinese punctuation


def test_every_action_the_event_log_records_has_words_in_both_languages():
    sources = "".join(
        path.read_text() for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    )
    actions = set(re.findall(r"""action="([a-z_]+)\"""", sources))
    actions |= set(re.findall(r"""_log\(\s*session, report, \w+, "([a-z_]+)\"""", sources))
    actions |= {f"{subject}_{s.value}" for subject in ("match", "same_child") for s in MatchStatus}
    actions |= {"status_changed", "referred"}

    for language in ("zh_CN", "en"):
        missing = {a for a in actions if not catalogue().has(language, f"dashboard.event.{a}")}
        assert missing <= {"match_proposed", "same_child_proposed"}, (language, missing)


def test_a_match_reason_stored_as_a_key_reads_in_the_coordinators_language(app, engine, worked_tip):
    with session_scope(engine) as session:
        report = get_report(session=session, ref=worked_tip)
        assert report is not None and report.id is not None
        entry = RegistryEntry(case_id="2019-0042", kind="missing_child", name="李小宝")
        session.add(entry)
        session.flush()
        reason = {  # a matcher's reason: a key, its parameters (phrases too) and its weight
            "key": "record.detail",
            "params": {"label": "方言", "value": {"key": "choice.dialect.cantonese"}},
            "weight": 1.23,
        }
        session.add(
            MatchCandidate(report_id=report.id, entry_id=entry.id or 0, score=0.8, reasons=[reason])
        )
    wang = signed_in(app, engine, "wang", "zh-CN")

    page = wang.opens(f"/tips/{worked_tip}").text

    assert "方言：粤语（广东话） [+1.2]" in page and latin(page) == []


def test_a_single_age_reads_as_one_age_not_a_range(app, engine, worked_tip):
    with session_scope(engine) as session:
        report = get_report(session=session, ref=worked_tip)
        assert report is not None
        report.child_age_min = report.child_age_max = 3  # the tipster typed 3
        session.add(report)

    page = signed_in(app, engine, "wang", "zh-CN").opens(f"/tips/{worked_tip}").text

    assert "年龄 3 岁" in page and "3–3" not in page


def test_an_overruled_claim_reads_with_whose_claim_and_what_for():
    reader = Reader("zh_CN", zone("Asia/Shanghai"))
    details = reader.details("claim_overruled", {"claimed_by": "李明", "for": "match_confirmed"})
    assert latin_lines(details) == [] and "确认了登记匹配" in "".join(details)
