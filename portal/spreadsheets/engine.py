"""The import engine: one transaction per file, every row checked, nothing written unless all rows pass.

``run_import`` reads the sheet (``reading.read_sheet``) and hands the rows to the kind's ``Importer``
(``branches/imports.py``, ``projects/imports.py``). The importer writes each row through the apps'
services inside a savepoint, so a row that fails leaves nothing behind and the next row is still
checked; at the end a dry run, or any error anywhere, rolls the whole transaction back. What a dry run
reports is therefore exactly what the real run does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .base import CREATE, UNCHANGED, UPDATE, Change, FileRefused, Issue, Outcome
from .columns import Column
from .kinds import KINDS, ImportKind
from .reading import MAX_FILE_BYTES, MAX_ROWS, SheetRow, read_sheet
from .values import CellError, text

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "Importer", "run_import"]


class _Rollback(Exception):
    pass


class RowFailed(Exception):
    """Raised inside an importer's row handler after it has recorded the row's errors."""


class Importer:
    """Base of the importers. Subclasses implement ``prepare`` (load lookups) and ``import_row``."""

    def __init__(self, *, spec: ImportKind, by, file_name: str, outcome: Outcome, sheet: str) -> None:
        self.spec = spec
        self.by = by if by is not None and getattr(by, "is_authenticated", False) else None
        self.file_name = file_name
        self.outcome = outcome
        self.sheet = sheet
        self.columns: dict[str, Column] = {column.key: column for column in spec.columns}
        self._row_errors = 0
        self._bad_cells: set[tuple[int | None, str]] = set()

    # --- error reporting ---------------------------------------------------------------

    def error(self, row: SheetRow | None, key: str, message: str) -> None:
        header = self.columns[key].header if key in self.columns else ""
        self._bad_cells.add((row.number if row else None, key))
        self.outcome.errors.append(Issue(self.sheet, row.number if row else None, header, str(message)))
        self._row_errors += 1

    def cell(self, row: SheetRow, key: str, parse: Callable[..., Any], *args, **kwargs) -> Any:
        """Parse one cell; on a bad value record the error and return None."""
        try:
            return parse(row.values.get(key), *args, **kwargs)
        except CellError as exc:
            self.error(row, key, str(exc))
            return None

    def required(self, row: SheetRow, key: str, value: Any) -> Any:
        """Report an empty required cell (unless the cell's value was already reported as bad)."""
        if value in (None, "", []) and (row.number, key) not in self._bad_cells:
            self.error(row, key, _("This column must be filled in."))
        return value

    def organization(
        self, row: SheetRow, key: str, index, *, kinds: tuple[str, ...], misfit: str, may: Callable[[Any], bool]
    ):
        """The organization a cell names (resolved in ``index``, an ``OrgIndex``), if it is of one of ``kinds``,
        active, and one the importing user ``may`` use; otherwise the error is recorded and None returned.
        ``misfit`` is the message for another kind, with ``%(name)s``."""
        reference = self.required(row, key, self.cell(row, key, text))
        if not reference:
            return None
        try:
            org = index.resolve(reference)
        except CellError as exc:
            self.error(row, key, str(exc))
            return None
        if org.kind not in kinds:
            self.error(row, key, misfit % {"name": org.name})
        elif not org.is_active:
            self.error(row, key, _("“%(name)s” is deactivated.") % {"name": org.name})
        elif self.by is not None and not may(org):
            self.error(row, key, _("“%(name)s” is outside the organizations you look after.") % {"name": org.name})
        else:
            return org
        return None

    def validation_errors(self, row: SheetRow, exc: ValidationError, field_columns: dict[str, str]) -> None:
        """Report a service's ValidationError on the columns its fields come from."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                key = field_columns.get(field, "")
                for message in errors:
                    self.error(row, key, message)
        else:
            for message in exc.messages:
                self.error(row, "", message)

    # --- the run --------------------------------------------------------------------------

    def prepare(self, rows: list[SheetRow]) -> None:
        """Load what the rows refer to (organizations, people, configuration) once."""

    def import_row(self, row: SheetRow) -> Change | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:
        """After all rows (e.g. move number sequences past imported numbers)."""

    def row_failed(self, row: SheetRow) -> None:
        """Called after a row failed (its writes are rolled back); e.g. to explain later rows that need it."""

    field_columns: dict[str, str] = {}

    def run(self, rows: list[SheetRow]) -> None:
        self.prepare(rows)
        for row in rows:
            before = self._row_errors
            try:
                with transaction.atomic():
                    change = self.import_row(row)
                    if self._row_errors != before:
                        raise RowFailed
            except RowFailed:
                self.row_failed(row)
                continue
            except ValidationError as exc:
                self.validation_errors(row, exc, self.field_columns)
                self.row_failed(row)
                continue
            except IntegrityError:
                self.error(row, "", _("This row clashes with data saved meanwhile; check it and import again."))
                self.row_failed(row)
                continue
            if change is not None:
                self.outcome.changes.append(change)
        if not self.outcome.errors:
            self.finish()


def changed_fields(pairs: Iterable[tuple[str, Any, Any]]) -> dict[str, list[str]]:
    """header → [old, new] for the pairs whose values differ (compared as shown text)."""
    result: dict[str, list[str]] = {}
    for header, old, new in pairs:
        if text(old) != text(new):
            result[header] = [text(old), text(new)]
    return result


def run_import(*, kind: str, data: bytes, file_name: str, by, dry_run: bool) -> Outcome:
    """Check and import one file. Never raises for the file's or the rows' problems: they are in the outcome."""
    spec = KINDS[kind]
    outcome = Outcome(kind=kind, sheet=spec.sheet, file_name=file_name)
    try:
        sheet, rows = read_sheet(data, sheet=spec.sheet, columns=spec.columns)
    except FileRefused as exc:
        outcome.errors.append(Issue(spec.sheet, None, "", str(exc)))
        return outcome
    outcome.sheet = sheet
    outcome.rows = len(rows)
    if not rows:
        outcome.errors.append(Issue(sheet, None, "", _("The sheet has a header row but no data rows.")))
        return outcome
    importer = spec.importer(spec=spec, by=by, file_name=file_name, outcome=outcome, sheet=sheet)
    try:
        with transaction.atomic():
            importer.run(rows)
            if dry_run or outcome.errors:
                raise _Rollback
    except _Rollback:
        return outcome
    outcome.applied = True
    return outcome


__all__ += ["CREATE", "UPDATE", "UNCHANGED", "Change", "RowFailed", "changed_fields"]
