"""One-sheet Excel ledgers (台账) from any filtered list: styled header, widths, frozen header, A4 landscape.

The rows of a ledger are streamed straight into the sheet's XML inside the .xlsx zip, one chunk at a
time, so memory stays flat and 50,000 rows of 15 columns take about a second (openpyxl builds a cell
object, a style and an XML element per value: 8–14 s for the same rows without lxml). The package is
the smallest that Excel, WPS and openpyxl open: a workbook, one worksheet, a style sheet, properties.

* Row 1 holds the title, row 2 the headers (bold, filled, bordered), the rows below are bordered text.
  Rows 1–2 are frozen and repeat on every printed page; A4 landscape, fitted to the page width.
* Strings are inline strings; nothing is ever written as a formula. Text that a spreadsheet would read
  as one when edited (``=``, ``+``, ``-``, ``@``, tab, CR first) also carries Excel's quote prefix.
* Dates (and datetimes, in local time) are real dates shown as yyyy-mm-dd; numbers and Decimals numbers.

Callers check the permission, build the rows from a scoped queryset (use ``.iterator()``) and audit the
export. The workbook is spooled to a temporary file and streamed back.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.http import FileResponse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from projects.round_export import CONTENT_TYPE, FORMULA_STARTS, SPOOL_BYTES, _sheet_title

ROWS_PER_WRITE = 500  # rows joined into one write to the zip stream
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()

# cellXfs of the style sheet below
XF_TITLE, XF_HEADER, XF_CELL, XF_DATE, XF_TEXT = 1, 2, 3, 4, 5

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_APP = (
    _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)
_BORDER = '<left style="thin"><color rgb="FF808080"/></left><right style="thin"><color rgb="FF808080"/></right>'
_BORDER += '<top style="thin"><color rgb="FF808080"/></top><bottom style="thin"><color rgb="FF808080"/></bottom>'
# The same look as projects.round_export's named styles: title SimSun 16 bold; header SimHei 11 bold on
# F2DCDB, thin grey borders, centred and wrapped; cells SimSun 10, bordered, top-aligned and wrapped.
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="4">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="16"/><name val="SimSun"/></font>'
    '<font><b/><sz val="11"/><name val="SimHei"/></font>'
    '<font><sz val="10"/><name val="SimSun"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2DCDB"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{_BORDER}<diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="3" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" '
    'applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" quotePrefix="1" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)) or hasattr(value, "as_tuple"):  # numbers, dates, Decimal
        return value
    return str(value)


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return escape(value)


def _cell(ref: str, value: Any, style: int = XF_CELL) -> str:
    """One ``<c>`` element; ``ref`` like ``B7``."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS) and style == XF_CELL:
            style = XF_TEXT
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{XF_DATE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{XF_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _cell(ref, str(value), style)
        return f'<c r="{ref}" s="{style}"><v>{value:f}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return _cell(ref, str(value), style)
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    return _cell(ref, str(value), style)


_EMPTY = (None, "")


def _row_cells(row: Sequence[Any], letters: list[str], number: int) -> str:
    """The cells of one data row: ``_cell`` with the common cases (text, empty, whole numbers) inlined, as a
    ledger writes hundreds of thousands of them (docs/performance.md: the export's figures)."""
    parts = []
    append = parts.append
    for index, value in enumerate(row):
        kind = type(value)
        if kind is str and value:
            ref = f"{letters[index]}{number}"
            if value.startswith(FORMULA_STARTS):
                append(_cell(ref, value))
                continue
            if _ILLEGAL.search(value):
                value = _ILLEGAL.sub("", value)
            if "&" in value or "<" in value or ">" in value:
                value = escape(value)
            append(f'<c r="{ref}" s="{XF_CELL}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
        elif value is None or value == "":
            append(f'<c r="{letters[index]}{number}" s="{XF_CELL}"/>')
        elif kind is int:
            append(f'<c r="{letters[index]}{number}" s="{XF_CELL}"><v>{value}</v></c>')
        elif kind is dt.date:
            append(f'<c r="{letters[index]}{number}" s="{XF_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>')
        elif kind is Decimal and value.is_finite():
            append(f'<c r="{letters[index]}{number}" s="{XF_CELL}"><v>{value:f}</v></c>')
        else:
            append(_cell(f"{letters[index]}{number}", value))
    return "".join(parts)


def _sheet_top(widths: Sequence[int], columns: int) -> str:
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{widths[n - 1] if n - 1 < len(widths) else 16}" customWidth="1"/>'
        for n in range(1, columns + 1)
    )
    return (
        _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/></sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


_SHEET_TAIL = (
    "</sheetData>"
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    "</worksheet>"
)


def _workbook(sheet: str) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f"{escape(quoted)}!$1:$2</definedName></definedNames>"
        "</workbook>"
    )


def _core() -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>Red Engine</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def write_ledger(
    fileobj,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    sheet: str | None = None,
) -> int:
    """Write a one-sheet ledger to ``fileobj``; returns the number of data rows.

    ``sheet`` names the worksheet (default: from the title); ledgers that re-import use the import's sheet name.
    """
    sheet_name = _sheet_title(sheet or title, set())
    letters = [get_column_letter(n) for n in range(1, len(headers) + 1)]

    def letter(index: int) -> str:
        while index >= len(letters):
            letters.append(get_column_letter(len(letters) + 1))
        return letters[index]

    count = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("docProps/app.xml", _APP)
        package.writestr("docProps/core.xml", _core())
        package.writestr("xl/workbook.xml", _workbook(sheet_name))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w") as out:
            head = [_sheet_top(list(widths or []), len(headers))]
            head.append(f'<row r="1">{_cell("A1", str(title), XF_TITLE)}</row><row r="2">')
            head.extend(_cell(f"{letter(i)}2", str(h), XF_HEADER) for i, h in enumerate(headers))
            head.append("</row>")
            out.write("".join(head).encode())
            chunk: list[str] = []
            number = 2
            for row in rows:
                number += 1
                if len(row) > len(letters):
                    letter(len(row) - 1)
                chunk.append(f'<row r="{number}">{_row_cells(row, letters, number)}</row>')
                if len(chunk) >= ROWS_PER_WRITE:
                    out.write("".join(chunk).encode())
                    chunk.clear()
            chunk.append(_SHEET_TAIL)
            out.write("".join(chunk).encode())
            count = number - 2
    return count


def ledger_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    sheet: str | None = None,
) -> FileResponse:
    """The ledger as an .xlsx download (the caller has checked the permission and audits the export)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (FileResponse closes it)
    write_ledger(spool, title=title, headers=headers, rows=rows, widths=widths, sheet=sheet)
    spool.seek(0)
    if not filename.endswith(".xlsx"):
        filename = f"{filename}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
