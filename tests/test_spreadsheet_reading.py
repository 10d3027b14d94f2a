"""The file checks and sheet reading of every import (portal/spreadsheets/reading.py, values.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from branches.models import Organization
from portal.spreadsheets import reading
from portal.spreadsheets import values as v
from portal.spreadsheets.base import FileRefused
from portal.spreadsheets.columns import normalize_header, org_reference_map, split_list
from tests.spreadsheet_support import ORG_HEADERS, do_import, xlsx


def refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as caught:
        reading.check_file(data)
    return str(caught.value)


def test_it_accepts_a_real_workbook():
    reading.check_file(xlsx(ORG_HEADERS, [["甲", "党委", "", ""]]))


def test_it_refuses_an_old_xls():
    assert ".xls" in refusal(reading.OLE_MAGIC + b"\0" * 600)


def test_it_refuses_a_password_protected_workbook():
    data = reading.OLE_MAGIC + b"\0" * 200 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 200
    assert "password" in refusal(data)


def test_it_refuses_a_csv_renamed_to_xlsx():
    assert "CSV" in refusal("名称,类别\n甲,党委\n".encode())


def test_it_refuses_a_corrupt_zip():
    data = xlsx(ORG_HEADERS, [])
    assert "damaged" in refusal(data[: len(data) // 2])


def test_it_refuses_another_office_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    assert "Word" in refusal(buffer.getvalue())


def test_it_refuses_a_zip_bomb_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 50_000
    assert "unpacks" in refusal(data)


def test_it_refuses_a_file_too_large_and_an_empty_one(monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    assert "MB" in refusal(b"PK\x03\x04" + b"\0" * 2000)
    assert "empty" in refusal(b"")


def test_it_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    data = xlsx(ORG_HEADERS, [[f"组织{i}", "党委", "", ""] for i in range(4)])
    with pytest.raises(FileRefused, match="3"):
        reading.read_sheet(data, sheet="党组织", columns=_org_columns())


def _org_columns():
    from branches.sheets import ORGANIZATION_COLUMNS

    return ORGANIZATION_COLUMNS


def test_it_finds_the_header_after_title_rows_and_skips_empty_rows():
    data = xlsx(ORG_HEADERS, [["甲", "党委", "", ""], [None, None, None, None], ["乙", "党委", "", ""]], title="名册")
    title, rows = reading.read_sheet(data, sheet="党组织", columns=_org_columns())
    assert [(row.number, row.values["name"]) for row in rows] == [(3, "甲"), (5, "乙")]


def test_a_duplicate_header_is_refused():
    data = xlsx([*ORG_HEADERS, "名称"], [["甲", "党委", "", "", "乙"]])
    with pytest.raises(FileRefused, match="名称"):
        reading.read_sheet(data, sheet="党组织", columns=_org_columns())


@pytest.mark.django_db
def test_bad_files_come_back_as_one_file_level_error(company, users):
    outcome = do_import("organizations", b"not a workbook", by=users["committee_admin"])
    assert [(e.row, e.column) for e in outcome.errors] == [(None, "")]
    assert not outcome.applied and Organization.objects.count() == 5


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("2026/3/1", dt.date(2026, 3, 1)),
        ("2026年3月1日", dt.date(2026, 3, 1)),
        ("2026.03.01", dt.date(2026, 3, 1)),
        (dt.datetime(2026, 3, 1), dt.date(2026, 3, 1)),
        (46082, dt.date(2026, 3, 1)),
        ("2026-03-01 00:00:00", dt.date(2026, 3, 1)),
        ("", None),
    ],
)
def test_dates_in_the_offices_forms(raw, expected):
    assert v.date(raw) == expected


@pytest.mark.parametrize("raw", ["2026-02-30", "明年", "2026", 2026, "03/01/2026"])
def test_bad_dates_are_refused(raw):
    with pytest.raises(v.CellError):
        v.date(raw)


def test_numbers_words_and_lists():
    assert v.text(10023.0) == "10023"
    assert v.decimal(35.5) == Decimal("35.50")
    assert v.decimal("1,200.5") == Decimal("1200.50")
    with pytest.raises(v.CellError):
        v.decimal("1.234")
    with pytest.raises(v.CellError):
        v.decimal("abc")
    assert v.yes_no("", default=True) is True
    assert v.yes_no("否", default=True) is False
    with pytest.raises(v.CellError):
        v.word("支部", {"党支部": 1})
    assert split_list("A1、A2,A3，A4;A5；A6 A7\u3000A8") == [f"A{i}" for i in range(1, 9)]
    assert v.many("A1、A1 A2") == ["A1", "A2"]
    assert normalize_header(" *节创价值(万元) ") == normalize_header("节创价值（万元）")


def test_organization_references_are_the_shortest_unique_path():
    orgs = [
        (1, "公司党委", None),
        (2, "机关党总支", 1),
        (3, "第一党支部", 2),
        (4, "生产党总支", 1),
        (5, "第一党支部", 4),
    ]
    assert org_reference_map(orgs) == {
        1: "公司党委",
        2: "机关党总支",
        3: "机关党总支/第一党支部",
        4: "生产党总支",
        5: "生产党总支/第一党支部",
    }
