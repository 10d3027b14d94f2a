"""Building small workbooks in tests, as an office would write them in Excel or WPS."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

from portal.spreadsheets.engine import run_import

ORG_HEADERS = ["名称", "类别", "上级党组织", "编码"]
MEMBER_HEADERS = [
    "姓名",
    "性别",
    "工号",
    "所在党组织",
    "政治面貌",
    "入党时间",
    "党内职务",
    "岗位",
    "技能等级",
    "领导人员",
    "在岗",
    "手机号",
]
PROJECT_HEADERS = [
    "项目编号",
    "年度",
    "项目名称",
    "所在党支部",
    "项目类别",
    "选题来源",
    "负责人工号",
    "成员工号",
    "计划开始",
    "计划完成",
    "状态",
    "预期成果形式",
    "节创价值（万元）",
    "党组织引领行动",
]


def xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, sheet: str = "Sheet1", title: str | None = None
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_back(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def do_import(kind: str, data: bytes, *, by=None, dry_run: bool = False, file_name: str = "test.xlsx"):
    return run_import(kind=kind, data=data, file_name=file_name, by=by, dry_run=dry_run)


def errors_of(outcome) -> list[tuple]:
    """(row, column, message) of every error, for assertions."""
    return [(issue.row, issue.column, issue.message) for issue in outcome.errors]
