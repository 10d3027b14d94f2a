"""One-sheet Excel ledgers (台账) from any filtered list: styled header, widths, frozen header, A4 landscape.

openpyxl's write-only mode over an iterator of rows keeps memory flat; the workbook is spooled to a
temporary file and streamed. Text that a spreadsheet would read as a formula stays text
(``projects.round_export.safe_cell``). Callers check the permission, build the rows from a scoped
queryset (use ``.iterator()``) and audit the export.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.round_export import CONTENT_TYPE, SPOOL_BYTES, _sheet_title, _styles, safe_cell


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)) or hasattr(value, "as_tuple"):  # numbers, dates, Decimal
        return value
    return str(value)


def write_ledger(
    fileobj,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> int:
    """Write a one-sheet ledger to ``fileobj``; returns the number of data rows."""
    wb = Workbook(write_only=True)
    styles = _styles()
    date_style = copy(styles["re_cell"])
    date_style.name, date_style.number_format = "re_date", "yyyy-mm-dd"
    for style in [*styles.values(), date_style]:
        wb.add_named_style(style)
    ws = wb.create_sheet(_sheet_title(title, set()))
    widths = list(widths or [])
    for index in range(len(headers)):
        width = widths[index] if index < len(widths) else 16
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([safe_cell(ws, title, "re_title")])
    ws.append([safe_cell(ws, str(h), "re_header") for h in headers])
    count = 0
    for row in rows:
        ws.append([safe_cell(ws, _cell_value(v), "re_date" if isinstance(v, dt.date) else "re_cell") for v in row])
        count += 1
    wb.save(fileobj)
    return count


def ledger_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> FileResponse:
    """The ledger as an .xlsx download (the caller has checked the permission and audits the export)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (FileResponse closes it)
    write_ledger(spool, title=title, headers=headers, rows=rows, widths=widths)
    spool.seek(0)
    if not filename.endswith(".xlsx"):
        filename = f"{filename}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
