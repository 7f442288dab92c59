"""The registry: importing a list, and tips matched against it when they are queued."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlmodel import Session, select

from storage import MatchCandidate, RegistryEntry, Report, ReportEvent, SameChildLink
from tests.stories import Tipster
from triage import MemoryNotifier, Runtime, configure
from triage.matching.reasons import reason_text
from triage.registry import ImportFailed, import_registry_csv
from triage.tips import tip_as_dict

SAMPLE = Path(__file__).parents[2] / "samples" / "registry.csv"
HEADER = "case_id,kind,name,other_names,sex,birth_date,missing_date,missing_place,home_province,dialect,marks,description\n"


def load(engine, text: str) -> tuple[int, int]:
    with Session(engine) as session:
        entries, new = import_registry_csv(session=session, text=text)
        session.commit()
        return len(entries), new


def test_the_sample_registry_imports_and_reimporting_updates(engine):
    assert load(engine, SAMPLE.read_text(encoding="utf-8")) == (5, 5)
    changed = (
        HEADER
        + "BBH-2019-0412,family_seeking_child,李勇,勇勇;小勇;宝宝,M,2015-03-02,2019-06-01,成都,四川,,,\n"
    )
    assert load(engine, changed) == (1, 0)
    with Session(engine) as session:
        entry = session.exec(
            select(RegistryEntry).where(RegistryEntry.case_id == "BBH-2019-0412")
        ).one()
        assert entry.other_names == ["勇勇", "小勇", "宝宝"]
        assert len(session.exec(select(RegistryEntry)).all()) == 5
        year_only = session.exec(
            select(RegistryEntry).where(RegistryEntry.case_id == "BBH-2020-1187")
        ).one()
        assert year_only.birth_year_only and year_only.birth_date.year == 2016


def test_a_bad_file_reports_every_bad_row_and_imports_nothing(engine):
    bad = HEADER + (
        "OK-1,family_seeking_child,甲,,M,2015-01-01,2019-01-01,,,,,\n"
        "BAD-1,family_seeking_kid,乙,,M,2015,,,,,,\n"
        "BAD-2,child_seeking_family,丙,,X,,,,,,,\n"
        "BAD-3,family_seeking_child,丁,,F,2015-13-01,,,,,,\n"
        ",family_seeking_child,戊,,F,,,,,,,\n"
        "OK-1,family_seeking_child,甲,,M,2015-01-01,2019-01-01,,,,,\n"
    )
    with pytest.raises(ImportFailed) as failed:
        load(engine, bad)
    assert [(e.line, e.reason.split()[0]) for e in failed.value.errors] == [
        (3, "kind"),
        (4, "sex"),
        (5, "birth_date"),
        (6, "case_id"),
        (7, "case_id"),
    ]
    with Session(engine) as session:
        assert session.exec(select(RegistryEntry)).all() == []


def test_a_file_without_the_columns_is_refused(engine):
    with pytest.raises(ImportFailed, match="bad row") as failed:
        load(engine, "id,name\n1,x\n")
    assert "missing column(s)" in failed.value.errors[0].reason


def sighting(
    tipster: Tipster, *, place: str, names_given: str, dialect: str, age: str, marks: str
) -> None:
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")
    tipster.says(place)
    tipster.says("3天前")
    tipster.taps("lives_nearby")
    tipster.taps("boy")
    tipster.says(age)
    tipster.says(marks)
    tipster.says("狗娃")
    tipster.says(names_given)
    tipster.says("/skip")
    tipster.says(dialect)
    tipster.taps("yes")
    tipster.taps("wants_home")
    tipster.taps("done")
    tipster.says("/skip")
    tipster.taps("done")
    tipster.taps("anonymous")
    tipster.taps("submit")


def sighting_like_the_sample_case(intake):
    """A tip that matches the sample registry's BBH-2019-0412 (a name heard alike, a mark)."""
    sighting(
        Tipster(intake, language_hint="zh"),
        place="广东东莞长安镇",
        names_given="李涌",
        dialect="四川话",
        age="十一二岁",
        marks="左脸有红色胎记",
    )


def test_a_queued_tip_is_matched_with_reasons_and_coordinators_are_told(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    notifier = MemoryNotifier()
    configure(Runtime(database_url=database_url, notifier=notifier, cipher=cipher))
    sighting_like_the_sample_case(intake)
    SimpleWorker([queue], connection=redis_client).work(burst=True)

    with Session(engine) as session:
        best = session.exec(select(MatchCandidate).order_by(MatchCandidate.score.desc())).first()
        entry = session.get(RegistryEntry, best.entry_id)
        assert entry.case_id == "BBH-2019-0412"
        assert any("li yong" in reason_text(reason, "en") for reason in best.reasons)
        assert all(reason["key"].startswith("match.reason.") for reason in best.reasons)
        report = session.exec(select(Report)).one()
        shown = tip_as_dict(session=session, report=report, cipher=cipher, tz=UTC)
    assert shown["matches"][0]["case_id"] == "BBH-2019-0412"
    assert shown["matches"] == sorted(shown["matches"], key=lambda m: -m["score"])
    assert shown["urgency"]["score"] > 0 and not shown["urgency"]["imminent"]
    assert best.score >= 0.5, best.reasons
    assert [text for _, text in notifier.sent if text.startswith("match:")] == [
        f"match:{report.ref}:{entry.id}"
    ]


def test_matches_below_the_configured_score_are_listed_but_nobody_is_alerted(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    notifier = MemoryNotifier()
    runtime = Runtime(
        database_url=database_url, notifier=notifier, cipher=cipher, match_notify_score=1.0
    )
    configure(runtime)
    sighting_like_the_sample_case(intake)
    SimpleWorker([queue], connection=redis_client).work(burst=True)

    with Session(engine) as session:
        best = session.exec(select(MatchCandidate).order_by(MatchCandidate.score.desc())).first()
    assert 0.5 <= best.score < 1.0 and not best.notified
    assert not [text for _, text in notifier.sent if text.startswith("match:")]


def test_two_tipsters_about_one_child_are_linked(
    engine, intake, cipher, queue, redis_client, database_url
):
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    for user in ("t1", "t2"):
        sighting(
            Tipster(intake, user_id=user, language_hint="zh"),
            place="东莞市长安镇车站",
            names_given="李勇",
            dialect="四川话",
            age="11",
            marks="瘦",
        )
    sighting(
        Tipster(intake, user_id="t3", language_hint="zh"),
        place="北京西站",
        names_given="王强",
        dialect="粤语",
        age="4",
        marks="胖",
    )
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        links = session.exec(select(SameChildLink)).all()
    assert [(link.report_id, link.other_report_id) for link in links] == [(1, 2)]
    assert "same city 东莞市" in links[0].reasons and "similar names" in links[0].reasons
    with Session(engine) as session:  # the proposal is in both tips' logs, once
        proposed = session.exec(
            select(ReportEvent).where(ReportEvent.action == "same_child_proposed")
        ).all()
    assert sorted((e.report_id, e.actor, e.detail["score"]) for e in proposed) == [
        (1, "system", links[0].score),
        (2, "system", links[0].score),
    ]


def matched_sightings(intake, queue, redis_client, *users: str) -> None:
    """Each user reports the sample registry's boy; the worker matches the tips."""
    for user in users:
        sighting(
            Tipster(intake, user_id=user, language_hint="zh"),
            place="东莞市长安镇车站",
            names_given="李涌",
            dialect="四川话",
            age="11",
            marks="左脸有红色胎记",
        )
    SimpleWorker([queue], connection=redis_client).work(burst=True)


def test_coordinators_confirm_a_match_and_dismiss_a_same_child_link(
    engine, intake, cipher, queue, redis_client, database_url
):
    from storage import MatchStatus, ReportEvent, utcnow
    from storage.coordinators import find_coordinator
    from storage.reports import get_report
    from tests.triage.coordinators import CoordinatorActor
    from triage.decisions import decide_link, decide_match
    from triage.workflow import WorkflowError

    load(engine, SAMPLE.read_text(encoding="utf-8"))
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    matched_sightings(intake, queue, redis_client, "t1", "t2")
    CoordinatorActor(engine, "alice")
    with Session(engine) as session:
        first, second = session.exec(select(Report).order_by(Report.id)).all()
        alice = find_coordinator(session=session, name="alice")
        decide_match(
            session=session,
            report=first,
            case_id="BBH-2019-0412",
            coordinator=alice,
            confirm=True,
            now=utcnow(),
        )
        with pytest.raises(WorkflowError, match="not a proposed match"):
            decide_match(
                session=session,
                report=first,
                case_id="BBH-2021-0551",
                coordinator=alice,
                confirm=True,
                now=utcnow(),
            )
        link = decide_link(
            session=session,
            report=second,
            other=first,
            coordinator=alice,
            confirm=False,
            now=utcnow(),
        )
        session.commit()
        entry = session.exec(
            select(RegistryEntry).where(RegistryEntry.case_id == "BBH-2019-0412")
        ).one()
        assert entry.verified and link.status == MatchStatus.DISMISSED
        actions = [
            (e.report_id, e.action) for e in session.exec(select(ReportEvent)) if e.actor == "alice"
        ]
        assert actions == [
            (first.id, "match_confirmed"),
            (second.id, "same_child_dismissed"),
            (first.id, "same_child_dismissed"),
        ]
        assert get_report(session=session, ref=first.ref) is not None


def test_a_verdict_on_a_tip_someone_else_holds_is_refused_unless_a_lead_overrules(
    engine, intake, cipher, queue, redis_client, database_url
):
    from storage import ReportEvent, Role, utcnow
    from storage.coordinators import find_coordinator
    from tests.triage.coordinators import CoordinatorActor
    from triage.decisions import decide_match
    from triage.workflow import WorkflowError

    load(engine, SAMPLE.read_text(encoding="utf-8"))
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    matched_sightings(intake, queue, redis_client, "t1")
    with Session(engine) as session:
        ref = session.exec(select(Report)).one().ref
    CoordinatorActor(engine, "bob").claims(ref)
    CoordinatorActor(engine, "alice")
    CoordinatorActor(engine, "lee", role=Role.LEAD)

    def decide(name: str) -> None:
        with Session(engine) as session:
            report = session.exec(select(Report)).one()
            decide_match(
                session=session,
                report=report,
                case_id="BBH-2019-0412",
                coordinator=find_coordinator(session=session, name=name),
                confirm=True,
                now=utcnow(),
            )
            session.commit()

    with pytest.raises(WorkflowError, match="claimed by someone else"):
        decide("alice")
    decide("lee")

    with Session(engine) as session:
        events = [(e.actor, e.action, e.detail) for e in session.exec(select(ReportEvent))]
    assert ("lee", "claim_overruled", {"claimed_by": "bob", "for": "match_confirmed"}) in events
    assert ("lee", "match_confirmed") in [e[:2] for e in events]
    assert "alice" not in [e[0] for e in events]
