"""Excel export of a review round, laid out as the paper 《党员创新工程项目进展检查表》 (WORKFLOWS.md §2.7).

* openpyxl in write-only mode: rows go straight to temporary files, the checks are read with
  ``.iterator(chunk_size=…)`` (their answers and findings prefetched per chunk), so a round of
  thousands of projects is written in bounded memory and a constant number of queries per chunk.
* One pass over the checks, ordered by branch: each row goes to the summary sheet and to its
  branch's sheet (created when the first project of that branch comes by).
* The workbook is saved to a spooled temporary file and streamed back with ``FileResponse``.
* User text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a CR is stored as a string cell with
  Excel's quote prefix, never as a formula (SECURITY.md §22).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .models import ProgressReport
from .round_models import Answer, CheckAnswer, Finding, FindingStatus, ProjectCheck, Rating, ReviewRound

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500
SPOOL_BYTES = 8 * 1024 * 1024  # kept in memory below this size, on disk above
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
HEADER_ROW = 2  # row 1: the title; row 2: the column headers

_thin = Side(style="thin", color="808080")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _styles() -> dict[str, NamedStyle]:
    return {
        "re_title": NamedStyle(
            name="re_title",
            font=Font(name="SimSun", size=16, bold=True),
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
        "re_header": NamedStyle(
            name="re_header",
            font=Font(name="SimHei", size=11, bold=True),
            fill=PatternFill("solid", fgColor="F2DCDB"),
            border=_BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        "re_cell": NamedStyle(
            name="re_cell",
            font=Font(name="SimSun", size=10),
            border=_BORDER,
            alignment=Alignment(vertical="top", wrap_text=True),
        ),
        "re_number": NamedStyle(
            name="re_number",
            font=Font(name="SimSun", size=10),
            border=_BORDER,
            alignment=Alignment(horizontal="center", vertical="top"),
        ),
    }


def safe_cell(ws, value: Any, style: str) -> WriteOnlyCell:
    """A styled cell; text that a spreadsheet would read as a formula stays text."""
    cell = WriteOnlyCell(ws, value=value)
    cell.style = style
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # an inline string, not a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _sheet_title(name: str, taken: set[str]) -> str:
    base = SHEET_NAME_BAD.sub("_", name).strip("'") or "sheet"
    base = base[:31]
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def _headers(items) -> list[str]:
    return [
        _("No."),
        _("Project number"),
        _("Branch"),
        _("Project"),
        _("Leader"),
        _("Progress (%)"),
        *[f"{n}. {item.text}" for n, item in enumerate(items, start=1)],
        _("Overall rating"),
        _("Findings"),
    ]


WIDTHS_HEAD = [6, 14, 18, 30, 10, 9]
WIDTH_ITEM = 16
WIDTHS_TAIL = [10, 40]


def _prepare(ws: Worksheet, *, round_: ReviewRound, items: list, heading: str) -> None:
    """Layout, print settings and the two heading rows (write-only: all before the first row)."""
    headers = _headers(items)
    widths = WIDTHS_HEAD + [WIDTH_ITEM] * len(items) + WIDTHS_TAIL
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    last = get_column_letter(len(headers))
    ws.merged_cells.add(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.append([safe_cell(ws, heading, "re_title")])
    ws.append([safe_cell(ws, text, "re_header") for text in headers])


def _answer_text(answer: CheckAnswer | None) -> str:
    if answer is None:
        return ""
    label = str(Answer(answer.answer).label) if answer.answer in Answer.values else answer.answer
    return f"{label}：{answer.note}" if answer.note else label


def _finding_text(findings: Iterable[Finding]) -> str:
    lines = []
    for n, finding in enumerate(findings, start=1):
        status = FindingStatus(finding.status).label
        line = f"{n}. {finding.text}（{status}，{_('due')} {finding.deadline:%Y-%m-%d}）"
        if finding.response:
            line += f"\n   {_('Rectification')}：{finding.response}"
        lines.append(line)
    return "\n".join(lines)


def _checks(round_: ReviewRound) -> Iterator[ProjectCheck]:
    progress = ProgressReport.objects.filter(
        project=OuterRef("project_id"), year=round_.year, quarter=round_.quarter
    ).values("progress")[:1]
    return (
        ProjectCheck.objects.filter(round=round_)
        .select_related("project__leader", "organization")
        .annotate(report_progress=Subquery(progress))
        .prefetch_related(
            Prefetch("answers", queryset=CheckAnswer.objects.order_by("item_id")),
            Prefetch("findings", queryset=Finding.objects.order_by("raised_at", "id")),
        )
        .order_by("organization__path", "project__number", "project_id")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def _values(check: ProjectCheck, items: list) -> list[Any]:
    answers = {a.item_id: a for a in check.answers.all()}
    project = check.project
    return [
        project.number or "",
        check.organization.name,
        project.title,
        project.leader.name if project.leader_id else "",
        check.report_progress,
        *[_answer_text(answers.get(item.pk)) for item in items],
        str(Rating(check.rating).label) if check.rating in Rating.values else "",
        _finding_text(check.findings.all()),
    ]


def _row(ws, serial: int, values: list[Any]) -> list[WriteOnlyCell]:
    cells = [safe_cell(ws, serial, "re_number")]
    for index, value in enumerate(values):
        style = "re_number" if index in (0, 4) else "re_cell"
        cells.append(safe_cell(ws, value, style))
    return cells


def write_round_workbook(round_: ReviewRound, fileobj) -> None:
    """Write the round's workbook to ``fileobj`` (a binary file opened for writing)."""
    items = list(round_.items.order_by("order", "id"))
    title = _("Party Member Innovation Project Progress Checklist")
    heading = f"《{title}》 {round_.title}"
    wb = Workbook(write_only=True)
    for style in _styles().values():
        wb.add_named_style(style)
    taken: set[str] = set()
    summary = wb.create_sheet(_sheet_title(_("Summary"), taken))
    _prepare(summary, round_=round_, items=items, heading=heading)
    sheets: dict[int, tuple[Any, list[int]]] = {}
    for serial, check in enumerate(_checks(round_), start=1):
        values = _values(check, items)
        summary.append(_row(summary, serial, values))
        entry = sheets.get(check.organization_id)
        if entry is None:
            ws = wb.create_sheet(_sheet_title(check.organization.name, taken))
            _prepare(ws, round_=round_, items=items, heading=f"{heading} {check.organization.name}")
            entry = sheets[check.organization_id] = (ws, [0])
        ws, counter = entry
        counter[0] += 1
        ws.append(_row(ws, counter[0], values))
    wb.save(fileobj)


def round_filename(round_: ReviewRound) -> str:
    return f"{_('Party Member Innovation Project Progress Checklist')}-{round_.year}Q{round_.quarter}.xlsx"


def round_workbook_response(round_: ReviewRound) -> FileResponse:
    """The round as an .xlsx download (the caller has checked the permission)."""
    # Not a context manager: FileResponse closes the file once the last block is sent.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    write_round_workbook(round_, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=round_filename(round_), content_type=CONTENT_TYPE)
