"""The warm registry index: built once per process, kept up to date, and cheap imports."""

from __future__ import annotations

from rq import SimpleWorker
from sqlmodel import Session, select

from storage import MatchCandidate, RegistryEntry, Report, ReportEvent
from tests.triage.test_registry import HEADER, SAMPLE, load, sighting_like_the_sample_case
from triage import MemoryNotifier, Runtime, configure
from triage.matching import Match
from triage.matching_jobs import MIN_SCORE, is_lead, match_report, rematch_open_tips
from triage.registry import import_registry_csv
from triage.registry_index import warm_registry

A_LOOKALIKE = "BBH-2022-0900,family_seeking_child,李涌,涌涌,M,2015-01-10,2019-05-20,四川省成都市,四川,四川话,左脸有胎记,\n"


def queued_tip(engine, intake, cipher, queue, redis_client, database_url) -> Report:
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    sighting_like_the_sample_case(intake)
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        return session.exec(select(Report)).one()


def matched_events(session: Session, report: Report) -> list[dict]:
    events = session.exec(select(ReportEvent).where(ReportEvent.report_id == report.id))
    return [e.detail for e in events if e.action == "matched"]


def test_the_index_is_built_once_and_follows_imports_made_elsewhere(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    report = queued_tip(engine, intake, cipher, queue, redis_client, database_url)
    warm = warm_registry(engine)
    built = warm.rebuilds
    load(engine, HEADER + A_LOOKALIKE)  # another session, as another process would
    with Session(engine) as session:
        found = match_report(session=session, report=report)
        session.commit()
        cases = {session.get(RegistryEntry, c.entry_id).case_id for c in found}
    assert {"BBH-2019-0412", "BBH-2022-0900"} <= cases
    assert warm.rebuilds == built  # brought up to date, not rebuilt


def test_a_deleted_entry_leaves_the_index(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    report = queued_tip(engine, intake, cipher, queue, redis_client, database_url)
    with Session(engine) as session:
        for candidate in session.exec(select(MatchCandidate)):
            session.delete(candidate)
        session.flush()
        session.delete(
            session.exec(
                select(RegistryEntry).where(RegistryEntry.case_id == "BBH-2019-0412")
            ).one()
        )
        session.commit()
        found = match_report(session=session, report=report)
        cases = {session.get(RegistryEntry, c.entry_id).case_id for c in found}
    assert "BBH-2019-0412" not in cases


def test_an_import_ranks_each_open_tip_once_and_logs_only_what_changed(
    engine, intake, cipher, queue, redis_client, database_url
):
    report = queued_tip(engine, intake, cipher, queue, redis_client, database_url)
    with Session(engine) as session:
        entries, _ = import_registry_csv(session=session, text=SAMPLE.read_text(encoding="utf-8"))
        found = rematch_open_tips(session=session, entries=entries)
        session.commit()
        assert "BBH-2019-0412" in {session.get(RegistryEntry, c.entry_id).case_id for c in found}
        before = matched_events(session, report)
        entries, _ = import_registry_csv(session=session, text=SAMPLE.read_text(encoding="utf-8"))
        rematch_open_tips(session=session, entries=entries)  # the same file again: nothing new
        session.commit()
        assert matched_events(session, report) == before


def test_the_event_counts_what_the_tip_lists_and_no_zero_scores_are_kept(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    report = queued_tip(engine, intake, cipher, queue, redis_client, database_url)
    with Session(engine) as session:
        listed = session.exec(
            select(MatchCandidate).where(MatchCandidate.report_id == report.id)
        ).all()
        assert listed and all(c.score >= MIN_SCORE for c in listed)
        assert matched_events(session, report)[-1]["candidates"] == len(listed)


def test_a_lead_stays_listed_in_a_large_registry_where_its_score_is_spread_thin() -> None:
    # At 100,000 entries the true child ranked fourth at 0.2%: its tip made it ~160 times
    # likelier than a child picked at random. A stranger the tip barely favours is no lead.
    child = Match("C-1", 0.002, [], log_likelihood_ratio=5.1)
    stranger = Match("C-2", 0.002, [], log_likelihood_ratio=1.0)
    assert is_lead(child) and not is_lead(stranger)


def test_a_familys_report_that_matches_a_sighting_names_the_sighting(
    engine, intake, cipher, queue, redis_client, database_url
):
    notifier = MemoryNotifier()
    configure(Runtime(database_url=database_url, notifier=notifier, cipher=cipher))
    sighting_like_the_sample_case(intake)
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        tip = session.exec(select(Report)).one()
        [entry], _ = import_registry_csv(
            session=session, text=HEADER + SAMPLE.read_text(encoding="utf-8").splitlines()[1] + "\n"
        )
        found = rematch_open_tips(session=session, entries=[entry])
        assert [c.report_id for c in found] == [tip.id]


def test_an_import_checks_the_registry_once_however_many_tips_are_open(engine):
    from sqlalchemy import event

    from bench.match_db import as_report
    from triage.matching import TipProfile

    with Session(engine) as session:
        for n in range(6):
            tip = TipProfile(tip_id=f"T{n}", sex="M", age_min=10, age_max=12, names=["李勇"])
            session.add(as_report(tip, f"OPEN{n}"))
        session.commit()
    stamps: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lower().startswith("select count(") and "max(" in statement.lower():
            stamps.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as session:
            entries, _ = import_registry_csv(
                session=session, text=SAMPLE.read_text(encoding="utf-8")
            )
            found = rematch_open_tips(session=session, entries=entries)
            ranked = {c.report_id for c in found}
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(ranked) == 6  # every open tip ranked
    assert len(stamps) == 1
