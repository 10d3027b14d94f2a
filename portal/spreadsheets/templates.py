"""Import templates: an empty workbook per import kind, with its title row, header row and notes.

One sheet named as the import expects (``KINDS[kind].sheet``). Row 1 says how to fill it in, row 2 holds
the exact headers styled like the ledgers' (required ones in red: the text itself is never changed), each
with a comment giving the column's format (``Column.note``, "必填" first when required). Columns with a
fixed set of words get a drop-down on rows 3–1002; the project template's 项目类别 and 选题来源 offer, and
its notes list, the configuration's active names. Widths, frozen header, A4 landscape; no formulas.
"""

from __future__ import annotations

import io
from dataclasses import replace

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .columns import Column
from .kinds import KINDS

FIRST_ROW, LAST_ROW = 3, 1002  # the rows the drop-downs cover
LIST_LIMIT = 255  # Excel's limit on a drop-down's literal list
REQUIRED = "必填"

_thin = Side(style="thin", color="808080")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_HEADER_FONT = Font(name="SimHei", size=11, bold=True)
_REQUIRED_FONT = Font(name="SimHei", size=11, bold=True, color="C00000")
_TITLE_FONT = Font(name="SimSun", size=12, bold=True)


def template_title(kind: str) -> str:
    return f"{KINDS[kind].sheet}导入模板（第2行为表头，请从第3行起填写；列顺序可调整；红色表头为必填列）"


def _active_names(model) -> list[str]:
    return list(model.objects.filter(is_active=True).order_by("order", "name").values_list("name", flat=True))


def _columns(kind: str) -> tuple[tuple[Column, ...], set[str]]:
    """The kind's columns, and the keys whose drop-down lists configuration names (only a warning when another
    name is typed: the import also knows deactivated ones). For projects, the active names in notes and lists."""
    columns = KINDS[kind].columns
    if kind != "projects":
        return columns, set()
    from projects.models import Category, ResultType, TopicSource

    names = {
        "category": _active_names(Category),
        "topic_source": _active_names(TopicSource),
        "result_types": _active_names(ResultType),
    }
    adjusted, configured = [], set()
    for column in columns:
        listed = names.get(column.key)
        if listed:
            note = f"可选：{'、'.join(listed)}"
            if column.key == "result_types":
                note += "；多个用 、 分隔"
                adjusted.append(replace(column, note=note))
            else:
                adjusted.append(replace(column, note=note, choices=tuple(listed)))
                configured.add(column.key)
        else:
            adjusted.append(column)
    return tuple(adjusted), configured


def _comment(column: Column) -> Comment | None:
    text = "；".join(part for part in (REQUIRED if column.required else "", column.note) if part)
    if not text:
        return None
    comment = Comment(text, "Red Engine")
    comment.width, comment.height = 260, 90
    return comment


def _drop_down(column: Column, letter: str, *, strict: bool) -> DataValidation | None:
    if not column.choices:
        return None
    words = ",".join(column.choices)
    if len(words) + 2 > LIST_LIMIT or any("," in word or '"' in word for word in column.choices):
        return None  # too long for a literal list: the note says what to write
    validation = DataValidation(
        type="list",
        formula1=f'"{words}"',
        allow_blank=not column.required,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=column.header,
        error=f"请从下拉列表中选择：{'、'.join(column.choices)}",
    )
    validation.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")
    return validation


def build_template(*, kind: str) -> bytes:
    """The .xlsx template of one import kind (``KINDS`` key)."""
    if kind not in KINDS:
        raise KeyError(f"unknown import kind {kind!r}")
    columns, configured = _columns(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = KINDS[kind].sheet
    title = ws.cell(row=1, column=1, value=template_title(kind))
    title.font = _TITLE_FONT
    title.alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 24
    ws.row_dimensions[2].height = 30
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=2, column=index, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = _comment(column)
        ws.column_dimensions[letter].width = column.width
        validation = _drop_down(column, letter, strict=column.key not in configured)
        if validation is not None:
            ws.add_data_validation(validation)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
