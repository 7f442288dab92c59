"""An outcome that ends the search (reunited, not the child, no trace) closes every open tip
it is recorded on, once, in the log under the coordinator's name; "found" closes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from storage import session_scope
from storage.coordinators import find_coordinator
from tests.bot.dashboard_helpers import report_sighting, report_with_pin
from tests.triage.coordinators import CoordinatorActor, event_log, tip
from triage.outcomes import record_outcome

TODAY = date(2026, 12, 7)


def records(engine, refs: list[str], kind: str) -> None:
    """Alice records an outcome on these tips together (as on a case)."""
    with session_scope(engine) as session:
        alice = find_coordinator(session=session, name="alice")
        assert alice is not None
        ids = [tip(engine, ref).id or 0 for ref in refs]
        record_outcome(
            session=session,
            report_ids=ids,
            coordinator=alice,
            kind=kind,
            happened_on=TODAY,
            today=TODAY,
        )


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("reunited", "resolved"), ("not_the_child", "unfounded"), ("no_trace", "no_action_possible")],
)
def test_an_outcome_ending_the_search_closes_each_tip_of_the_case(
    kind, reason, tipster, english_tipster, engine
):
    CoordinatorActor(engine, "alice")
    refs = [report_sighting(tipster), report_with_pin(english_tipster)]

    records(engine, refs, kind)

    for ref in refs:
        assert (tip(engine, ref).status, tip(engine, ref).close_reason) == ("closed", reason)
        assert tip(engine, ref).claimed_by_id is None
        assert event_log(engine, ref)[-2:] == [
            ("alice", "outcome_recorded"),
            ("alice", "status_changed"),
        ]


def test_found_leaves_the_tip_open_and_a_closed_tip_is_not_closed_twice(tipster, engine):
    alice = CoordinatorActor(engine, "alice")
    ref = report_sighting(tipster)
    alice.claims(ref)

    records(engine, [ref], "found")
    status_after_found = tip(engine, ref).status
    records(engine, [ref], "reunited")
    records(engine, [ref], "no_trace")

    assert status_after_found == "in_review" and tip(engine, ref).close_reason == "resolved"
    actions = [action for _, action in event_log(engine, ref)]
    assert actions.count("outcome_recorded") == 3
    assert actions[-3:] == ["outcome_recorded", "status_changed", "outcome_recorded"]
