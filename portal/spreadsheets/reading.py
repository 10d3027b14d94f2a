"""Reading an uploaded .xlsx safely (SECURITY.md §21): limits first, then a read-only parse.

Checked before openpyxl sees the file: size, that it is a zip at all (a CSV or text renamed .xlsx is not),
an old ``.xls`` or a password-protected workbook (both are OLE compound files), a corrupt zip, and the
uncompressed size and compression ratio of every entry (zip bombs). openpyxl then reads it in read-only
mode; with ``defusedxml`` installed (requirements.txt) it parses the XML through it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .base import FileRefused
from .columns import Column, normalize_header

MAX_FILE_BYTES = 5 * 1024 * 1024  # the upload itself
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024  # all entries of the zip together, once unpacked
MAX_RATIO = 150  # uncompressed ÷ compressed for any entry larger than 1 MB unpacked
MAX_ROWS = 5000  # data rows (empty rows are not counted)
HEADER_SEARCH_ROWS = 10  # the header row may follow a title row (or a few)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass
class SheetRow:
    number: int  # the row number as Excel shows it
    values: dict[str, Any]  # column key → raw cell value (None when empty or the column is absent)


def check_file(data: bytes) -> None:
    """Refuse, with a message for the user, anything that is not a plain, modest .xlsx workbook."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            _("The file is larger than %(limit)s MB; split it into smaller files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_MARK in data:
            raise FileRefused(_("The workbook is protected by a password; remove the password and save it again."))
        raise FileRefused(
            _("This is an old Excel 97–2003 (.xls) file; open it in Excel or WPS and save it as .xlsx first.")
        )
    if not data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            _(
                "The file is not an Excel .xlsx workbook (it may be a CSV or another file renamed to .xlsx); "
                "save it from Excel or WPS as .xlsx."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise FileRefused(_("The file is damaged and cannot be read; save it again from Excel or WPS.")) from exc
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused(
            _("The file is not an Excel .xlsx workbook (a Word or other Office file?); save it as .xlsx.")
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise FileRefused(_("The file unpacks to far more data than a spreadsheet holds; it is refused."))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(_("The file unpacks to far more data than a spreadsheet holds; it is refused."))


def _load(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files (KeyError, ValueError, XML errors …)
        raise FileRefused(_("The file is damaged and cannot be read; save it again from Excel or WPS.")) from exc


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(data: bytes, *, sheet: str, columns: tuple[Column, ...]) -> tuple[str, list[SheetRow]]:
    """Check and read the workbook: the sheet named ``sheet`` (or the first sheet), its header row among the
    first rows, and every non-empty row below it. Returns (sheet title, rows); raises FileRefused."""
    check_file(data)
    workbook = _load(data)
    try:
        if sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        elif workbook.worksheets:
            worksheet = workbook.worksheets[0]
        else:  # pragma: no cover - openpyxl refuses a workbook without sheets earlier
            raise FileRefused(_("The workbook has no sheet."))
        title = worksheet.title
        by_header = {normalize_header(column.header): column for column in columns}
        required = [column for column in columns if column.required]
        rows: Iterator[tuple] = worksheet.iter_rows(values_only=True)
        header_at: int | None = None
        positions: dict[str, int] = {}
        best_missing: list[str] = [column.header for column in required]
        number = 0
        try:
            for number, cells in enumerate(rows, start=1):
                if number > HEADER_SEARCH_ROWS:
                    break
                found: dict[str, int] = {}
                duplicates: list[str] = []
                for index, cell in enumerate(cells):
                    column = by_header.get(normalize_header(cell))
                    if column is None:
                        continue
                    if column.key in found:
                        duplicates.append(column.header)
                    found[column.key] = index
                missing = [column.header for column in required if column.key not in found]
                if not missing:
                    if duplicates:
                        raise FileRefused(
                            _("Row %(row)s of sheet “%(sheet)s” has the column “%(column)s” twice.")
                            % {"row": number, "sheet": title, "column": duplicates[0]}
                        )
                    header_at, positions = number, found
                    break
                if len(missing) < len(best_missing):
                    best_missing = missing
            if header_at is None:
                raise FileRefused(
                    _(
                        "Sheet “%(sheet)s” has no header row with the template's columns in its first %(n)s rows; "
                        "missing: %(missing)s. Download the template to see the headers."
                    )
                    % {"sheet": title, "n": HEADER_SEARCH_ROWS, "missing": "、".join(best_missing)}
                )
            result: list[SheetRow] = []
            for number, cells in enumerate(rows, start=header_at + 1):
                values = {key: (cells[index] if index < len(cells) else None) for key, index in positions.items()}
                if all(_is_empty(value) for value in values.values()):
                    continue
                if len(result) >= MAX_ROWS:
                    raise FileRefused(
                        _("The sheet has more than %(limit)s rows; split it into several files.")
                        % {"limit": f"{MAX_ROWS:,}"}
                    )
                result.append(SheetRow(number=number, values=values))
        except FileRefused:
            raise
        except Exception as exc:  # damaged sheet XML found while iterating
            raise FileRefused(_("The file is damaged and cannot be read; save it again from Excel or WPS.")) from exc
        return title, result
    finally:
        workbook.close()
