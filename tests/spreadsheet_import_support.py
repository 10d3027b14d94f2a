"""Small workbooks for the import tests, built with openpyxl (a title row, the header row, data rows)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import spreadsheet_support
from tests.spreadsheet_support import xlsx

ORG_HEADERS = ["名称", "类别", "上级党组织", "编码"]
MEMBER_HEADERS = ["姓名", "性别", "工号", "所在党组织", "政治面貌", "入党时间", "在岗"]
PROJECT_HEADERS = spreadsheet_support.PROJECT_HEADERS[:11]  # 项目编号 … 状态: the required and the usual columns
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheet: str, headers: list[str], rows: list[list], *, title: str | None = "测试导入") -> bytes:
    return xlsx(headers, rows, sheet=sheet, title=title)


def organizations_file(rows: list[list] | None = None) -> bytes:
    """Two new organizations under the conftest company's 第一党总支 (header on row 2, data from row 3)."""
    if rows is None:
        rows = [["丙党支部", "党支部", "第一党总支", "B0C"], ["丙一党小组", "党小组", "丙党支部", "P0C1"]]
    return workbook("党组织", ORG_HEADERS, rows)


def members_file(rows: list[list] | None = None) -> bytes:
    """One new person in 甲党支部 (data on row 3)."""
    if rows is None:
        rows = [["王新", "男", "N10001", "甲党支部", "中共党员", "2015-07-01", "是"]]
    return workbook("人员", MEMBER_HEADERS, rows)


def projects_file(rows: list[list]) -> bytes:
    return workbook("项目", PROJECT_HEADERS, rows)


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)
