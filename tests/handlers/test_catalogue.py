"""Every text the interview can show exists in every language: a missing key fails here,
never as a warning in an operator's terminal or as a raw key in front of a tipster."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from handlers.answering import resolve_choice
from handlers.catalogue import Catalogue, catalogue
from handlers.messages import Inbound, InboundKind
from handlers.prompts import ask, choice_values
from handlers.state import Env, InterviewConfig, State
from handlers.steps import SIGNS, SPECS, Step, flow_for
from storage import ReportKind

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = catalogue().languages


class Recording(Catalogue):
    """The real catalogue, noting every key a text was asked for."""

    def __init__(self) -> None:
        super().__init__(Path(str(resources.files("handlers") / "locales")))
        self.asked: set[str] = set()

    def text(self, language: str, key: str, **params: object) -> str:
        self.asked.add(key)
        return super().text(language, key, **params)


def env_with(texts: Catalogue) -> Env:
    return Env(
        config=InterviewConfig(),
        now=datetime(2026, 12, 6, 23, 31, tzinfo=UTC),
        encrypt=str,
        texts=texts,
    )


def a_full_draft(kind: str) -> dict[str, object]:
    """An answer to every question, so the review shows every part."""
    place = {"text": "成都", "lat": None, "lon": None, "province": "四川", "city": "成都市"}
    return {
        "where": place,
        "home": place,
        "when": {"choice": "yesterday", "text": None, "date": "2026-12-05T23:31:00+00:00"},
        "presence": "there_now",
        "child_sex": "boy",
        "child_age": {"unknown": True},
        "child_looks": "thin",
        "names_used": ["小宝"],
        "names_given": [],
        "child_said": None,
        "birth_date": {"unknown": True},
        "dialect": {"group": "cantonese", "text": None, "provinces": ["广东"]},
        "dialect_differs": "yes",
        "signs": {"selected": list(SIGNS), "text": "note"},
        "adults": "two men",
        "details": "details",
        "media": [{"type": "photo", "ref": "p"}],
        "contact": "anonymous",
    }


def test_every_question_choice_and_review_line_is_in_every_language() -> None:
    texts = Recording()
    env = env_with(texts)
    for language in LANGUAGES:
        for kind in ReportKind:
            steps = {*flow_for(kind), *(s for s in Step if s in SPECS), Step.LANGUAGE, Step.EDIT}
            for step in steps:
                state = State(language=language, kind=kind, step=step, draft=a_full_draft(kind))
                ask(env, state)
                state.editing = True
                ask(env, state)
    for key in sorted(texts.asked):
        for language in LANGUAGES:
            assert key in texts.keys(language), f"{key} missing in {language}"


def test_every_choice_can_be_typed_in_its_own_words_in_every_language() -> None:
    env = env_with(catalogue())
    for language in LANGUAGES:
        for kind in ReportKind:
            for step in {*flow_for(kind), Step.KIND, Step.REVIEW, Step.EDIT, Step.LANGUAGE}:
                state = State(language=language, kind=kind, step=step, draft=a_full_draft(kind))
                for choice in ask(env, state).choices:
                    typed = Inbound("test", "t", InboundKind.TEXT, text=choice.label)
                    assert resolve_choice(env, state, step, typed) == choice.value, (
                        f"{language} {kind} {step}: {choice.label!r}"
                    )
                assert len(ask(env, state).choices) == len(choice_values(state, step))


# Keys are written as literals ("error.choose_one") wherever the interview and the channels
# raise or say something; each one must be in every language. The dashboard's keys are
# written without their "dashboard." prefix, which its texts() adds.
_KEY = re.compile(r"[a-z_]+(?:\.[a-z0-9_]+)+")


def _literal_keys() -> set[str]:
    sections = {key.rsplit(".", 1)[0] for key in catalogue().keys("en")}
    found = set()
    for package in ("handlers", "bot", "triage"):
        for path in (ROOT / package).rglob("*.py"):
            prefix = "dashboard." if "dashboard" in path.parts else ""
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                    continue
                key = prefix + node.value
                file_name = node.value.endswith((".html", ".py", ".po", ".json", ".csv"))
                if (
                    _KEY.fullmatch(node.value)
                    and not file_name
                    and key.rsplit(".", 1)[0] in sections
                ):
                    found.add(key)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_named_in_code_is_in_the_catalogue(language: str) -> None:
    keys = catalogue().keys(language)
    missing = sorted(k for k in _literal_keys() if k not in keys)
    assert not missing, f"missing in {language}: {missing}"


def test_both_languages_have_the_same_keys() -> None:
    english = catalogue().keys("en")
    for language in LANGUAGES:
        assert catalogue().keys(language) == english, language


def test_every_key_built_from_a_name_is_in_every_language() -> None:
    """Keys the code builds from a value ("followup.status.{status}"), beyond the questions."""
    from bot.telegram.conversation import MENU
    from handlers.followup_port import tipster_status
    from storage import ReportStatus

    built = {f"followup.status.{tipster_status(status)}" for status in ReportStatus}
    built |= {f"telegram.menu.{name}" for name in MENU}
    for language in LANGUAGES:
        assert built <= catalogue().keys(language), sorted(built - catalogue().keys(language))


def test_the_translators_template_lists_every_key() -> None:
    """A third language starts from homeward.pot: a key missing there is a text never translated."""
    template = (ROOT / "handlers" / "locales" / "homeward.pot").read_text(encoding="utf-8")
    listed = set(re.findall(r'^msgid "(.+)"$', template, flags=re.M))
    assert sorted(catalogue().keys("en") - listed) == []


def _recorded_actions() -> set[str]:
    """The actions the code writes to a tip's event log by name (`append_event(action=…)`)."""
    found = set()
    for package in ("handlers", "bot", "triage", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "append_event":
                    found |= {
                        k.value.value
                        for k in node.keywords
                        if k.arg == "action" and isinstance(k.value, ast.Constant)
                    }
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_event_the_log_records_is_named_in_every_language(language: str) -> None:
    """The tip's timeline shows each event in words, never its stored name."""
    keys = catalogue().keys(language)
    missing = sorted(a for a in _recorded_actions() if f"dashboard.event.{a}" not in keys)
    assert not missing, f"no words in {language} for: {missing}"


@pytest.mark.parametrize(
    "path",
    ["homeward.pot", *(f"{language}/LC_MESSAGES/homeward.po" for language in LANGUAGES)],
)
def test_every_entry_has_its_translation_line(path: str) -> None:
    """Every msgid is followed by its msgstr, or gettext's tools (msgfmt, Poedit) refuse the
    whole file: a hand-merged catalogue can lose one without our loader noticing."""
    lines = (ROOT / "handlers" / "locales" / path).read_text(encoding="utf-8").splitlines()
    unfinished = []
    for number, line in enumerate(lines):
        if not line.startswith("msgid "):
            continue
        rest = iter(lines[number + 1 :])
        following = next((n for n in rest if not n.startswith('"')), "")
        if not following.startswith("msgstr "):
            unfinished.append(line)
    assert unfinished == []
