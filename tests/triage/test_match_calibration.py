"""Learning from verdicts: each confirm or dismiss is a labelled pair for the calibration."""

from __future__ import annotations

import math
import random

from sqlmodel import Session, select

from storage import MatchCandidate, RegistryEntry, Report, utcnow
from storage.coordinators import find_coordinator
from tests.triage.coordinators import CoordinatorActor
from tests.triage.test_registry import SAMPLE, load
from tests.triage.test_registry_index import queued_tip
from triage.decisions import decide_match
from triage.match_calibration import PRIOR_NAMES, calibration_report, read_pairs
from triage.matching.calibration import calibrated, fit_calibration


def test_verdicts_are_counted_by_score_and_refit_the_curve(
    engine, intake, cipher, queue, redis_client, database_url
):
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    report = queued_tip(engine, intake, cipher, queue, redis_client, database_url)
    CoordinatorActor(engine, "alice")
    with Session(engine) as session:
        alice = find_coordinator(session=session, name="alice")
        rows = session.exec(
            select(MatchCandidate, RegistryEntry).where(MatchCandidate.entry_id == RegistryEntry.id)
        ).all()
        tip = session.get(Report, report.id)
        for _candidate, entry in rows:
            confirm = entry.case_id == "BBH-2019-0412"
            decide_match(
                session=session,
                report=tip,
                case_id=entry.case_id,
                coordinator=alice,
                confirm=confirm,
                now=utcnow(),
            )
        session.commit()
        generated = read_pairs("[0.9, true]\n[0.1, false]\n[0.2, false]\n[0.7, true]\n")
        shown = calibration_report(session=session, generated=generated)
    assert shown.verdicts == len(rows) and shown.generated == 4
    assert sum(b.confirmed for b in shown.bands) == 1
    assert shown.bands[-1].confirmed == 1  # the child was the high score
    assert shown.refitted is not None
    # The confirmed child's own name as the child said it (李涌 for 李勇: the same sound).
    adults, child = shown.names
    assert child.whose == "child" and child.counts["exact"] == 1 and sum(child.counts.values()) == 1
    assert child.refitted is not None and math.isclose(
        sum(child.refitted.values()), 1, abs_tol=0.01
    )
    assert child.refitted["exact"] == round((1 + PRIOR_NAMES * 0.6) / (1 + PRIOR_NAMES), 3)
    assert child.refitted["nickname"] < child.current["nickname"]
    # What the adults called him (狗娃) is nothing like his registered names: a new name.
    assert adults.whose == "adults" and adults.counts == {
        **dict.fromkeys(adults.counts, 0),
        "new": 1,
    }
    assert adults.refitted is not None and adults.refitted["new"] > adults.current["new"]


def test_the_fit_recovers_a_known_curve() -> None:
    rng = random.Random(3)
    pairs = []
    for _ in range(4000):
        raw = rng.random()
        truth = rng.random() < calibrated(raw, (0.8, -0.5))
        pairs.append((raw, truth))
    slope, intercept = fit_calibration(pairs)
    assert math.isclose(slope, 0.8, abs_tol=0.1) and math.isclose(intercept, -0.5, abs_tol=0.15)
