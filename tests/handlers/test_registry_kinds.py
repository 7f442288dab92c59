"""A family reports their missing child, and an adult searches for the family they lost."""

from __future__ import annotations

from datetime import date

from rq import SimpleWorker
from sqlmodel import Session, select

from storage import MatchCandidate, RegistryEntry, Report
from tests.stories import Tipster
from tests.triage.test_registry import sighting
from triage import MemoryNotifier, Runtime, configure
from triage.matching.reasons import reason_text


def test_a_family_reports_a_missing_child_and_it_is_matched_to_a_sighting(
    intake, engine, cipher, queue, redis_client, database_url
):
    notifier = MemoryNotifier()
    configure(Runtime(database_url=database_url, notifier=notifier, cipher=cipher))
    sighting(
        Tipster(intake, user_id="witness", language_hint="zh"),
        place="广东东莞长安镇",
        names_given="李涌",
        dialect="四川话",
        age="十一二岁",
        marks="左脸有红色胎记",
    )

    family = Tipster(intake, user_id="family", language_hint="zh")
    family.says("/start")
    family.taps("我的孩子失踪了")
    family.taps("继续")
    assert "全名" in family.text
    family.says("李勇, 勇勇")
    family.taps("男孩")
    assert "出生日期" in family.text
    family.says("2099")
    assert "未来" in family.text
    family.says("2015年3月2日")
    family.says("2019-06-01")
    family.says("四川省成都市金牛区")
    family.says("四川成都")
    family.taps("四川话 / 西南官话")
    family.says("左脸有一块红色胎记")
    family.says("/skip")
    assert family.step == "media"
    family.taps("完成")
    family.taps("留下电话号码")
    family.says("13900139000")
    assert "走失地点" in family.question.text and "姓名和小名" in family.question.text
    family.taps("提交")
    SimpleWorker([queue], connection=redis_client).work(burst=True)

    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.kind == "missing_child")).one()
        assert report.birth_date == date(2015, 3, 2) and not report.birth_year_only
        assert report.home_province == "四川"
        entry = session.exec(select(RegistryEntry)).one()
        assert (entry.case_id, entry.kind, entry.source, entry.verified) == (
            report.ref,
            "family_seeking_child",
            "report",
            False,
        )
        assert (entry.name, entry.other_names, entry.sex) == ("李勇", ["勇勇"], "M")
        assert entry.missing_date == date(2019, 6, 1) and entry.home_province == "四川"
        candidate = session.exec(select(MatchCandidate)).one()
        sighted = session.get(Report, candidate.report_id)
        assert sighted.kind == "sighting" and candidate.entry_id == entry.id
        assert any("li yong" in reason_text(r, "en") for r in candidate.reasons)
    # The notice is about the sighting (its reference), naming the family's registry entry.
    assert (sighted.id, f"match:{sighted.ref}:{entry.id}") in notifier.sent


def test_an_adult_searches_for_their_family_in_english(
    english_tipster, engine, queue, redis_client, database_url, cipher
):
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    tipster = english_tipster
    tipster.says("/start")
    tipster.taps("I am searching for my own family")
    tipster.taps("Continue")
    tipster.says("Xiao Jia, Jiajia")
    tipster.taps("Girl")
    tipster.says("about 2009")
    tipster.says("2013")
    tipster.says("a big banyan tree near Quanzhou")
    tipster.says("/skip")
    tipster.says("I remember Hokkien words")
    tipster.says("birthmark behind the left ear")
    tipster.says("My brother was called A-Long")
    tipster.taps("Done")
    tipster.taps("Stay anonymous")
    assert "Names you were called: Xiao Jia、Jiajia" in tipster.question.text
    assert "Born: 2009" in tipster.question.text
    tipster.taps("Submit")
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        entry = session.exec(select(RegistryEntry)).one()
    assert entry.kind == "child_seeking_family" and entry.birth_year_only
    assert entry.birth_date.year == 2009 and entry.home_province == "福建"
    assert entry.marks == "birthmark behind the left ear"
