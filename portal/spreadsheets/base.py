"""What an import reports, and the one entry point the views and commands call.

``run_import(kind=..., data=..., file_name=..., by=..., dry_run=...)`` checks the file (size, type,
zip bomb, password), reads the sheet, and imports every row inside one transaction. A dry run, and any
run with an error anywhere, rolls the whole transaction back: nothing is written, and the outcome lists
what would have been created and updated, and every error with its sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class Issue:
    """One problem: ``row`` is the spreadsheet row number (1-based, as Excel shows it) or None for the file."""

    sheet: str
    row: int | None
    column: str  # the column's header, or "" when the problem is the whole row or file
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Change:
    """What one row does: create, update (with the changed columns: header → [old, new]) or nothing."""

    row: int
    action: str  # CREATE / UPDATE / UNCHANGED
    label: str  # what the row is about, e.g. "制造部党支部" or "张三（10023）"
    fields: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "action": self.action, "label": self.label, "fields": self.fields}


@dataclass
class Outcome:
    kind: str
    sheet: str
    file_name: str
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    applied: bool = False  # True only when the rows were written (not a dry run, no error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)


class FileRefused(Exception):
    """The file as a whole cannot be read (wrong type, too big, encrypted, corrupt …); the message says why."""
