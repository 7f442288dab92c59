"""`tips import`: every bad line named with why, reference codes kept in the form people type."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from storage.reports import get_report, normalise_ref
from triage.registry import ImportFailed
from triage.tips_import import import_tips_jsonl

TIP = {"kind": "sighting", "place": {"province": "云南", "city": "昆明"}}


def imports(engine, cipher, *tips: dict[str, object]) -> list[str]:
    text = "\n".join(json.dumps(t, ensure_ascii=False) for t in tips)
    with Session(engine) as session:
        added = import_tips_jsonl(session=session, text=text, cipher=cipher)
        session.commit()
        return [r.ref for r in added]


def reasons(engine, cipher, *tips: dict[str, object]) -> dict[int, str]:
    with pytest.raises(ImportFailed) as failed:
        imports(engine, cipher, *tips)
    return {e.line: e.reason for e in failed.value.errors}


def test_a_date_without_a_utc_offset_is_a_line_error_not_a_traceback(engine, cipher):
    errors = reasons(
        engine,
        cipher,
        TIP,
        {**TIP, "seen": {"date": "2026-11-20T10:00:00"}},
        {**TIP, "seen": {"date": "20 Nov"}},
        {**TIP, "place": "昆明"},
        {**TIP, "child": {"age_min": "five"}},
    )

    assert set(errors) == {2, 3, 4, 5}
    assert "seen.date" in errors[2] and "+08:00" in errors[2]
    assert "seen.date" in errors[3]
    assert "place" in errors[4]
    assert "child.age_min" in errors[5]


def test_a_date_with_its_offset_is_kept(engine, cipher):
    [ref] = imports(engine, cipher, {**TIP, "seen": {"date": "2026-11-20T10:00:00+08:00"}})

    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None and report.seen_on is not None
        assert report.seen_on.isoformat() == "2026-11-20T02:00:00+00:00"


def test_a_lowercase_reference_is_stored_as_the_bot_writes_it_and_found(engine, cipher):
    assert imports(engine, cipher, {**TIP, "ref": " hw-7k3p-q9 "}) == ["HW-7K3P-Q9"]

    with Session(engine) as session:
        for typed in ("HW-7K3P-Q9", "hw 7k3p q9", "7K3PQ9", "ＨＷ－７Ｋ３Ｐ－Ｑ９", "HW—7K3P—Q9"):
            found = get_report(session=session, ref=typed)
            assert found is not None and found.ref == "HW-7K3P-Q9", typed


def test_references_that_are_not_codes_or_repeat_are_line_errors(engine, cipher):
    errors = reasons(
        engine,
        cipher,
        {**TIP, "ref": "HW-7K3P-Q9"},
        {**TIP, "ref": "case 12"},
        {**TIP, "ref": "hw-7k3p-q9"},
    )

    assert set(errors) == {2, 3}
    assert "case 12" in errors[2] and "HW-" in errors[2]
    assert "line 1" in errors[3]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("hw-7k3p-q9", "HW-7K3P-Q9"),
        ("7k3pq9", "HW-7K3P-Q9"),
        (" HW 7K3P Q9 ", "HW-7K3P-Q9"),
        ("ＨＷ－７Ｋ３Ｐ－Ｑ９", "HW-7K3P-Q9"),
        ("HW_7K3P_Q9", "HW-7K3P-Q9"),
        ("hello", None),
        ("", None),
    ],
)
def test_a_typed_reference_reads_as_the_stored_code(typed, stored):
    assert normalise_ref(typed) == stored
