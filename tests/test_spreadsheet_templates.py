"""portal.spreadsheets.templates.build_template — the empty import workbooks (issue 7)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from portal.spreadsheets.engine import run_import
from portal.spreadsheets.kinds import KINDS
from portal.spreadsheets.templates import build_template
from projects.models import Category, TopicSource


def _sheet(kind: str):
    workbook = load_workbook(io.BytesIO(build_template(kind=kind)))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_sheet_with_a_title_row_and_the_exact_headers(db, kind):
    ws = _sheet(kind)
    spec = KINDS[kind]
    assert ws.title == spec.sheet
    assert ws["A1"].value.startswith(f"{spec.sheet}导入模板（第2行为表头，请从第3行起填写；列顺序可调整")
    headers = [cell.value for cell in ws[2]]
    assert headers == [column.header for column in spec.columns]
    assert ws.max_row == 2  # nothing to fill in yet


@pytest.mark.parametrize("kind", list(KINDS))
def test_headers_are_styled_and_required_ones_red(db, kind):
    ws = _sheet(kind)
    for cell, column in zip(ws[2], KINDS[kind].columns, strict=True):
        assert cell.font.b and cell.fill.fgColor.rgb.endswith("F2DCDB") and cell.border.left.style == "thin"
        red = cell.font.color is not None and cell.font.color.rgb.endswith("C00000")
        assert red == column.required, column.header


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_header_explains_its_column(db, kind):
    ws = _sheet(kind)
    for cell, column in zip(ws[2], KINDS[kind].columns, strict=True):
        text = cell.comment.text if cell.comment else ""
        if column.required:
            assert text.startswith("必填"), column.header
        if column.note and kind != "projects":
            assert column.note in text
        if not column.required and not column.note:
            assert not text


@pytest.mark.parametrize("kind", list(KINDS))
def test_fixed_words_have_a_drop_down(db, kind):
    ws = _sheet(kind)
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    for index, column in enumerate(KINDS[kind].columns, start=1):
        letter = ws.cell(row=2, column=index).column_letter
        if column.choices:
            assert lists[f"{letter}3:{letter}1002"] == '"' + ",".join(column.choices) + '"'


def test_layout(db):
    ws = _sheet("members")
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.column_dimensions["D"].width == KINDS["members"].columns[3].width
    assert ws.print_title_rows == "$1:$2"


def test_the_project_template_lists_the_active_configuration(db):
    TopicSource.objects.create(name="新来源", order=99)
    Category.objects.filter(name="党的建设").update(is_active=False)
    ws = _sheet("projects")
    headers = [cell.value for cell in ws[2]]
    category = ws.cell(row=2, column=headers.index("项目类别") + 1)
    source = ws.cell(row=2, column=headers.index("选题来源") + 1)
    assert "科研生产" in category.comment.text and "党的建设" not in category.comment.text
    assert "新来源" in source.comment.text
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert "党的建设" not in lists[f"{category.column_letter}3:{category.column_letter}1002"].formula1
    # a configured list only warns: older files may name a deactivated category
    assert lists[f"{category.column_letter}3:{category.column_letter}1002"].errorStyle == "warning"
    types = ws.cell(row=2, column=headers.index("预期成果形式") + 1)
    assert "专利" in types.comment.text


def test_no_formulas(db):
    for kind in KINDS:
        ws = _sheet(kind)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        build_template(kind="honours")


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_import_reads_the_template(company, users, kind):
    outcome = run_import(
        kind=kind, data=build_template(kind=kind), file_name="t.xlsx", by=users["committee_admin"], dry_run=True
    )
    # the header row is found; only the missing data rows are reported
    assert [(issue.row, issue.message) for issue in outcome.errors] == [
        (None, "The sheet has a header row but no data rows.")
    ]
    assert outcome.rows == 0
