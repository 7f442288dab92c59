"""The registry's casework: a lead adds and edits entries, photos and the family's contact,
and every change is in the entry's log."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from storage import RegistryEntry, RegistryPhoto
from storage.registry_log import registry_events
from storage.registry_search import RegistryFilter, get_entry, search_entries
from triage.errors import WorkflowError
from triage.registry import ImportFailed, import_registry_csv, preview_registry_csv
from triage.registry_edit import (
    EntryExists,
    NotAPhoto,
    add_entry,
    add_photo,
    edit_entry,
    reveal_family_contact,
)
from triage.registry_index import warm_registry

HEADER = (
    "case_id,kind,name,other_names,sex,birth_date,missing_date,missing_place,home_province,"
    "dialect,marks,description,status,police_case_number,dna_status,family_contact\n"
)
LI_YONG = {
    "case_id": "BBH-2019-0412",
    "kind": "family_seeking_child",
    "name": "李勇",
    "other_names": "勇勇; 小勇",
    "sex": "M",
    "birth_date": "2015-03-02",
    "missing_date": "2019-06-01",
    "missing_place": "四川省成都市金牛区",
    "home_province": "四川",
    "family_contact": "母亲 王芳 138 0013 8000",
    "police_case_number": "川公刑 2019-118",
}


def a_photo_with_gps() -> bytes:
    """A JPEG carrying EXIF: the camera's make and a GPS block."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 39.0, 31.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 80)).save(out, format="JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    return out.getvalue()


def test_a_lead_adds_an_entry_and_its_contact_is_stored_encrypted(engine, cipher):
    with Session(engine) as session:
        entry = add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        session.commit()
        assert entry.family_contact and "8000" not in entry.family_contact
        assert cipher.decrypt(entry.family_contact) == "母亲 王芳 138 0013 8000"
        assert entry.status == "open" and entry.dna_status == "not_taken"
        events = registry_events(session=session, entry_id=entry.id)
        assert [(e.actor, e.action) for e in events] == [("lena", "added")]
        with pytest.raises(EntryExists):
            add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")


def test_the_matcher_index_knows_an_entry_as_soon_as_it_is_added_or_edited(engine, cipher):
    with Session(engine) as session:
        entry = add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        session.commit()
        warm = warm_registry(engine)
        assert warm.ids["BBH-2019-0412"] == entry.id
        edit_entry(
            session=session,
            entry=entry,
            fields={**LI_YONG, "home_province": "河南"},
            cipher=cipher,
            actor="lena",
        )
        session.commit()
        assert warm._seen["BBH-2019-0412"] == entry.updated_at


def test_an_edit_records_who_changed_what_and_never_the_contact(engine, cipher):
    with Session(engine) as session:
        entry = add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        changed = edit_entry(
            session=session,
            entry=entry,
            fields={
                **LI_YONG,
                "status": "found",
                "dna_status": "taken",
                "family_contact": "父亲 139 0000 1111",
            },
            cipher=cipher,
            actor="ada",
        )
        assert changed == {
            "status": ["open", "found"],
            "dna_status": ["not_taken", "taken"],
            "family_contact": ["", ""],
        }
        unchanged = edit_entry(
            session=session,
            entry=entry,
            fields={**LI_YONG, "status": "found", "dna_status": "taken", "family_contact": ""},
            cipher=cipher,
            actor="ada",
        )
        assert unchanged == {}  # a blank contact keeps the one on file
        assert cipher.decrypt(entry.family_contact or "") == "父亲 139 0000 1111"
        events = registry_events(session=session, entry_id=entry.id)
        assert [(e.actor, e.action) for e in events] == [("lena", "added"), ("ada", "edited")]
        assert "139" not in str(events[-1].detail)


def test_revealing_the_family_contact_needs_a_reason_and_is_recorded(engine, cipher):
    with Session(engine) as session:
        entry = add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        with pytest.raises(WorkflowError):
            reveal_family_contact(
                session=session, entry=entry, cipher=cipher, actor="carol", reason=" "
            )
        shown = reveal_family_contact(
            session=session, entry=entry, cipher=cipher, actor="carol", reason="police asked"
        )
        assert shown == "母亲 王芳 138 0013 8000"
        last = registry_events(session=session, entry_id=entry.id)[-1]
        assert (last.actor, last.action, last.detail) == (
            "carol",
            "contact_revealed",
            {"reason": "police asked"},
        )


def test_a_photo_is_stored_encrypted_without_its_exif(engine, cipher, tmp_path: Path):
    with Session(engine) as session:
        entry = add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        photo = add_photo(
            session=session,
            entry=entry,
            data=a_photo_with_gps(),
            cipher=cipher,
            media_dir=tmp_path,
            actor="lena",
        )
        with pytest.raises(NotAPhoto):
            add_photo(
                session=session,
                entry=entry,
                data=b"%PDF-1.4 not a photo",
                cipher=cipher,
                media_dir=tmp_path,
                actor="lena",
            )
        session.commit()
        stored = Path(photo.stored_path).read_bytes()
        assert b"PhoneMaker" not in stored and not stored.startswith(b"\xff\xd8")  # encrypted
        clean = cipher.decrypt_file(stored)
        image = Image.open(io.BytesIO(clean))
        assert image.size == (64, 48) and not image.getexif()
        assert b"PhoneMaker" not in clean
        assert len(session.exec(select(RegistryPhoto)).all()) == 1
        assert registry_events(session=session, entry_id=entry.id)[-1].action == "photo_added"


def test_an_import_is_previewed_then_done_and_a_bad_line_imports_nothing(engine, cipher):
    good = (
        HEADER
        + "A-1,family_seeking_child,王小明,明明,M,2015,2019-01-01,,河南,,,,found,豫 118,taken,138 0013 8000\n"
        + "A-2,child_seeking_family,张丽,,F,,,,,,,,,,,\n"
    )
    with Session(engine) as session:
        add_entry(
            session=session,
            fields={"case_id": "A-2", "kind": "child_seeking_family"},
            cipher=cipher,
            actor="lena",
        )
        session.commit()
        plan = preview_registry_csv(session=session, text=good)
        assert (plan.add, plan.update) == (["A-1"], ["A-2"])

        bad = good + "A-3,family_seeking_child,李四,,M,,,,,,,,lost,,,\n"
        with pytest.raises(ImportFailed) as failed:
            preview_registry_csv(session=session, text=bad)
        assert [(e.line, e.reason.split()[0]) for e in failed.value.errors] == [(4, "status")]
        with pytest.raises(ImportFailed):
            import_registry_csv(session=session, text=bad, cipher=cipher, actor="lena")
        session.rollback()
        assert get_entry(session=session, case_id="A-1") is None

        entries, new = import_registry_csv(session=session, text=good, cipher=cipher, actor="lena")
        session.commit()
        assert (len(entries), new) == (2, 1)
        a1 = get_entry(session=session, case_id="A-1")
        assert a1 is not None and (a1.status, a1.police_case_number, a1.dna_status) == (
            "found",
            "豫 118",
            "taken",
        )
        assert cipher.decrypt(a1.family_contact or "") == "138 0013 8000"
        assert [e.action for e in registry_events(session=session, entry_id=a1.id)] == ["imported"]


@pytest.mark.parametrize("typed", ["王小明", "wang xiao", "wangxiaoming", "wxm", "明明", "a-1"])
def test_the_list_finds_an_entry_by_name_pinyin_or_case_id(engine, cipher, typed):
    with Session(engine) as session:
        add_entry(
            session=session,
            fields={
                "case_id": "A-1",
                "kind": "family_seeking_child",
                "name": "王小明",
                "other_names": "明明",
                "home_province": "河南",
            },
            cipher=cipher,
            actor="lena",
        )
        add_entry(
            session=session,
            fields={"case_id": "B-2", "kind": "child_seeking_family", "name": "张丽"},
            cipher=cipher,
            actor="lena",
        )
        rows, total = search_entries(
            session=session, where=RegistryFilter(text=typed), offset=0, limit=10
        )
        assert [r.case_id for r in rows] == ["A-1"] and total == 1
        rows, _ = search_entries(
            session=session,
            where=RegistryFilter(province="河南", status="open"),
            offset=0,
            limit=10,
        )
        assert [r.case_id for r in rows] == ["A-1"]
        rows, _ = search_entries(
            session=session, where=RegistryFilter(kind="child_seeking_family"), offset=0, limit=10
        )
        assert [r.case_id for r in rows] == ["B-2"]
        assert session.exec(select(RegistryEntry)).all()


def test_an_empty_casework_cell_in_a_csv_keeps_what_is_on_file(engine, cipher):
    with Session(engine) as session:
        add_entry(session=session, fields=LI_YONG, cipher=cipher, actor="lena")
        row = "BBH-2019-0412,family_seeking_child,李勇,,M,2015-03-02,2019-06-01,,四川,,,,,,,\n"
        import_registry_csv(session=session, text=HEADER + row, cipher=cipher, actor="lena")
        entry = get_entry(session=session, case_id="BBH-2019-0412")
        assert entry is not None and entry.police_case_number == "川公刑 2019-118"
        assert cipher.decrypt(entry.family_contact or "") == "母亲 王芳 138 0013 8000"
