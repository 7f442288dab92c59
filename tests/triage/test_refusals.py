"""A refusal is a catalogue key: every language has its text, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from storage import ReportStatus
from triage.errors import Label, WorkflowError, labels
from triage.workflow import CLOSE_REASONS, REFERRAL_KINDS

ROOT = Path(__file__).parents[2]
LOCALES = ROOT / "handlers" / "locales"
LANGUAGES = sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/homeward.po"))


def workflow_texts(path: Path) -> dict[str, str]:
    """The `workflow.*` entries of a catalogue (or the template, whose texts are empty)."""
    with path.open("rb") as handle:
        po = read_po(handle)
    return {str(m.id): str(m.string) for m in po if str(m.id).startswith("workflow.")}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def called(node: ast.AST) -> str | None:
    """The name a call calls (`WorkflowError(...)`, `workflow.WorkflowError(...)`)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def raised_in_code() -> dict[str, set[str]]:
    """Each key a `WorkflowError(...)` names in the packages, with the parameters it passes."""
    raised: dict[str, set[str]] = {}
    for source in [*ROOT.glob("triage/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and called(node) == "WorkflowError":
                key = node.args[0]
                assert isinstance(key, ast.Constant), f"{source}: a key, not prose"
                raised[str(key.value)] = {k.arg for k in node.keywords if k.arg}
    return raised


def test_every_refusal_in_the_code_reads_in_every_language_with_its_parameters():
    raised = raised_in_code()
    catalogues = {
        code: workflow_texts(LOCALES / code / "LC_MESSAGES/homeward.po") for code in LANGUAGES
    }
    template = workflow_texts(LOCALES / "homeward.pot")

    assert len(raised) >= 17 and {"en", "zh_CN"} <= set(LANGUAGES)
    for key, params in raised.items():
        for code, texts in catalogues.items():
            assert texts.get(key), f"{key} has no {code} text"
            assert placeholders(texts[key]) == params, f"{key} ({code}) reads other parameters"
    for code, texts in catalogues.items():
        assert set(texts) == set(template), f"{code} and the template differ"
        for key, text in texts.items():
            assert placeholders(text) == placeholders(catalogues["en"][key]), (key, code)


def test_every_status_close_reason_and_referral_kind_has_a_name():
    named = {
        *(f"workflow.status.{s.value}" for s in ReportStatus),
        *(f"workflow.close.{r}" for r in CLOSE_REASONS),
        *(f"workflow.referral.{k}" for k in REFERRAL_KINDS),
    }
    for code in LANGUAGES:
        texts = workflow_texts(LOCALES / code / "LC_MESSAGES/homeward.po")
        assert named <= {key for key, text in texts.items() if text}, code


def test_a_refusal_reads_in_the_coordinators_language_and_in_english_as_a_string():
    refused = WorkflowError("workflow.close_reason_needed", reasons=labels("close", CLOSE_REASONS))

    assert isinstance(refused, ValueError)  # existing `except ValueError` still catch it
    assert refused.key == "workflow.close_reason_needed"
    assert refused.text("zh_CN") == "结案需要选择原因：已解决、查无实据、重复或无法处理"
    assert str(refused) == (
        "closing needs a reason: resolved, unfounded, duplicate, or no action possible"
    )
    assert refused.text("fr") == str(refused)  # no French catalogue: English throughout


def test_labels_name_stored_values_and_leave_unknown_ones_as_they_are():
    moved = WorkflowError(
        "workflow.transition_not_allowed",
        ref="HW-2026-AB12",
        before=Label("status", "verified"),
        to=Label("status", "new"),
    )

    assert moved.text("zh_CN") == "HW-2026-AB12 不能从“已核实”改为“新线索”"
    assert str(moved) == "HW-2026-AB12 can't go from verified to new"
    assert Label("channel", "carrier-pigeon").text("zh_CN") == "carrier-pigeon"
    assert WorkflowError("workflow.note_empty").text("zh_CN") == "备注不能为空"
