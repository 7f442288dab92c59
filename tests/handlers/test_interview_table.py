"""The interview is tables: a question, a kind of answer and a command are one row each.

`steps.SPECS` and `steps.FLOWS` say what is asked and in which order, `answering.PARSERS`
how each kind of answer is read, `navigation.MOVES` what the choice at a moving step does,
`commands.COMMANDS` what each command does, and `interview.AT_STEP` which steps are not
questions. These tests hold the tables whole, and add a row to see it work.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from handlers.answering import PARSERS
from handlers.commands import COMMANDS
from handlers.interview import AT_STEP, handle
from handlers.messages import Inbound, InboundKind
from handlers.navigation import MOVES, Outcome, reask
from handlers.state import Env, InterviewConfig, State
from handlers.steps import FLOWS, FOLLOWUP_STEPS, SPECS, SUBSCRIBE_STEPS, Answer, Step
from handlers.typed_commands import read_command
from storage import ReportKind

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


class Chat:
    """A tipster talking to the bare interview (no database, no channel)."""

    def __init__(self) -> None:
        self.state = State()
        self.env = Env(config=InterviewConfig(), now=NOW, encrypt=str)
        self.last = Outcome()

    def send(self, kind: InboundKind, text: str, step: str | None = None) -> Outcome:
        msg = Inbound("test", "t", kind, text=text, step=step, language_hint="zh-hans")
        self.last = handle(self.state, msg, self.env)
        return self.last

    def says(self, text: str) -> Outcome:
        return self.send(InboundKind.TEXT, text)

    def taps(self, value: str) -> Outcome:
        return self.send(InboundKind.CHOICE, value, step=self.state.step)

    def commands(self, name: str) -> Outcome:
        return self.send(InboundKind.COMMAND, name)

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last.replies)


def test_every_step_has_its_row_and_every_kind_of_answer_its_reader() -> None:
    assert set(SPECS) == set(Step)
    assert set(PARSERS) == set(Answer)
    assert {step for flow in FLOWS.values() for step in flow} <= set(SPECS)
    # every other step is a question
    assert set(AT_STEP) == set(MOVES) | FOLLOWUP_STEPS | SUBSCRIBE_STEPS
    assert all(SPECS[step].answer is Answer.CHOICE for step in MOVES)


def test_a_step_asked_only_after_an_answer_names_a_choice_of_that_step() -> None:
    for spec in SPECS.values():
        if spec.only_if is not None:
            parent, value = spec.only_if
            assert value in SPECS[parent].choices


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_a_row_that_a_typed_slash_reaches(name: str) -> None:
    assert read_command(f"/{name}") == name
    chat = Chat()
    chat.commands("start")
    assert chat.commands(name).replies  # every command answers


def test_a_question_added_to_a_flow_is_asked_read_and_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "Other information" gains the child's apparent age: a place in its flow, and the
    question's row (CHILD_AGE's, made optional here) says how the answer is read."""
    other = FLOWS[ReportKind.OTHER]
    with_age = (*other[:3], Step.CHILD_AGE, *other[3:])
    monkeypatch.setitem(FLOWS, ReportKind.OTHER, with_age)
    monkeypatch.setitem(SPECS, Step.CHILD_AGE, replace(SPECS[Step.CHILD_AGE], optional=True))

    chat = Chat()
    chat.commands("start")
    chat.taps("other")
    chat.taps("continue")
    chat.says("上海虹桥火车站")
    chat.taps("yesterday")
    assert chat.state.step == Step.CHILD_AGE
    assert chat.env.t(chat.state.language, "hint.optional") in chat.text  # the row says so
    chat.says("五六岁")
    assert chat.state.step == Step.DETAILS
    chat.says("在站前广场乞讨")
    chat.taps("done")
    chat.taps("anonymous")
    assert "5–6" in chat.text  # the review shows it
    submitted = chat.taps("submit").submission

    assert submitted is not None
    assert submitted.draft[Step.CHILD_AGE] == {"min": 5, "max": 6, "text": "五六岁"}


def test_a_command_added_as_a_row_is_run_at_any_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def where_am_i(state: State, msg: Inbound, env: Env, notice: str) -> Outcome:
        return reask(state, env, f"at {state.step}")

    monkeypatch.setitem(COMMANDS, "where_am_i", where_am_i)
    chat = Chat()
    chat.commands("start")
    chat.taps("sighting")
    assert read_command("/where_am_i") == "where_am_i"
    assert chat.commands("where_am_i").replies[0].text.startswith("at safety")
    assert chat.state.step == Step.SAFETY


def test_at_the_pin_question_a_photo_is_asked_to_be_typed_and_the_question_stays() -> None:
    chat = Chat()
    chat.commands("followup")
    chat.says("HW-7")
    assert chat.state.step == Step.FOLLOWUP_PIN
    chat.send(InboundKind.MEDIA, "")
    assert chat.state.step == Step.FOLLOWUP_PIN
    assert chat.env.t(chat.state.language, "error.need_text") in chat.text
