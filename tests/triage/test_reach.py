"""Reaching a tipster again: said up front when a question can't get to them, and how a caller
agreed to be called back, kept like their phone number."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlmodel import Session, select

from storage import Report, session_scope
from storage.coordinators import find_coordinator
from storage.reports import get_report
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, event_log, keyed_at_the_terminal, tip
from tests.triage.test_registry import sighting
from triage.reach import mask_numbers, record_callback, why_not_askable
from triage.tips import tip_as_dict
from triage.workflow import WorkflowError


def hotline_tip(engine, tipster: Tipster) -> str:
    """A sighting as a hotline operator keys it at the terminal."""
    sighting(tipster, place="昆明火车站", names_given="李勇", dialect="四川话", age="5", marks="瘦")
    with Session(engine) as session:  # closed first: SQLite takes one writer at a time
        ref = session.exec(select(Report.ref)).one()
    return keyed_at_the_terminal(engine, ref)


def callback(engine, cipher, ref: str, name: str, text: str) -> None:
    with session_scope(engine) as session:
        record_callback(
            session=session,
            report=get_report(session=session, ref=ref),
            coordinator=find_coordinator(session=session, name=name),
            text=text,
            cipher=cipher,
        )


def test_a_hotline_tip_says_why_it_cant_be_asked_and_keeps_the_callback_arrangement(
    engine, tipster, cipher
):
    ref = hotline_tip(engine, tipster)
    alice = CoordinatorActor(engine, "alice")
    alice.claims(ref)

    why = why_not_askable(tip(engine, ref))
    with pytest.raises(WorkflowError) as refused:
        alice.asks(ref, "What colour was the van?")
    callback(engine, cipher, ref, "alice", "Call 138 0013 8000 after 8pm;  say it's the library")

    assert (
        why is not None
        and str(why) == f"{ref} came by the hotline; there is no channel to ask back"
    )
    assert why.text("zh_CN") == f"{ref} 经热线收到，没有可以向举报人提问的渠道"
    assert str(refused.value) == str(why)
    assert "0013 8000" not in tip(engine, ref).callback_arrangement  # encrypted at rest
    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        shown = tip_as_dict(session=session, report=report, cipher=cipher, tz=UTC)
        revealed = tip_as_dict(
            session=session,
            report=report,
            cipher=cipher,
            tz=UTC,
            revealed_to=find_coordinator(session=session, name="alice"),
            reason="calling back",
        )
        session.commit()
    assert shown["ask"] == {"possible": False, "why_not": str(why)}
    assert shown["callback"] == "Call 138****8000 after 8pm; say it's the library"
    assert revealed["callback"] == "Call 138 0013 8000 after 8pm; say it's the library"
    assert event_log(engine, ref)[-2:] == [
        ("alice", "callback_recorded"),
        ("alice", "contact_revealed"),  # an anonymous caller's number, revealed only so
    ]


def test_a_chat_tip_can_be_asked_and_an_empty_arrangement_is_refused(engine, tipster, cipher):
    sighting(tipster, place="昆明火车站", names_given="李勇", dialect="四川话", age="5", marks="瘦")
    with Session(engine) as session:
        ref = session.exec(select(Report.ref)).one()
    CoordinatorActor(engine, "alice")

    assert why_not_askable(tip(engine, ref)) is None
    with pytest.raises(WorkflowError, match="called back"):
        callback(engine, cipher, ref, "alice", "  ")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("138 0013 8000", "138****8000"),
        ("+86 138-0013-8000 evenings", "+86138****8000 evenings"),
        ("room 1203, 8pm", "room 1203, 8pm"),
        ("0871-6543210", "087****3210"),
        ("office 6234 5678, ask for Li", "office ****5678, ask for Li"),  # a city's landline
        ("6543210", "***3210"),
    ],
)
def test_numbers_in_an_arrangement_are_masked_like_a_phone(text, masked):
    assert mask_numbers(text) == masked
