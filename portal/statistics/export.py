"""The statistics workbook: a summary sheet and one sheet per table, in portal/ledger.py's style.

The rows are those of ``selectors.summary`` and ``selectors.tables`` — the very rows the page shows — so
the export's numbers equal the page's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.ledger import _cell_value
from portal.statistics.selectors import summary, tables
from projects.round_export import CONTENT_TYPE, SPOOL_BYTES, _sheet_title, _styles, safe_cell


def _sheet(wb: Workbook, taken: set[str], *, name: str, title: str, headers: Sequence[str], rows, widths) -> None:
    ws = wb.create_sheet(_sheet_title(name, taken))
    for index in range(len(headers)):
        ws.column_dimensions[get_column_letter(index + 1)].width = widths[index] if index < len(widths) else 16
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([safe_cell(ws, title, "re_title")])
    ws.append([safe_cell(ws, str(h), "re_header") for h in headers])
    for row in rows:
        ws.append([safe_cell(ws, _cell_value(v), "re_cell" if isinstance(v, str) else "re_number") for v in row])


def write_statistics(fileobj, *, title: str, figures: dict[str, Any]) -> None:
    wb = Workbook(write_only=True)
    styles = _styles()
    for style in styles.values():
        wb.add_named_style(style)
    taken: set[str] = set()
    _sheet(
        wb,
        taken,
        name=str(_("Summary")),
        title=title,
        headers=[_("Figure"), _("Count"), _("Of"), _("Rate (%)"), _("Definition")],
        rows=(
            [str(item["label"]), item["part"], item.get("whole"), item.get("rate"), str(item["definition"])]
            for item in summary(figures)
        ),
        widths=[36, 12, 12, 12, 90],
    )
    for table in tables(figures):
        _sheet(
            wb,
            taken,
            name=str(table["title"]),
            title=f"{table['title']} — {table['definition']}",
            headers=[str(h) for h in table["headers"]],
            rows=table["rows"],
            widths=[40, 14, 14, 14],
        )
    wb.save(fileobj)


def statistics_response(*, filename: str, title: str, figures: dict[str, Any]) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (FileResponse closes it)
    write_statistics(spool, title=title, figures=figures)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
