"""The shared body of ``import_organizations``, ``import_members`` and ``import_projects``.

    manage.py import_members FILE [--dry-run] [--user USERNAME]

The file is checked (a dry run, recorded as an ``ImportRun`` from the command line); without
``--dry-run`` and when it has no error it is then imported. Every error is printed as
``sheet row N column: reason``, and the command fails (non-zero exit) having written nothing.
``--user`` runs the import as that user (their role and scope apply, and the run is theirs); without it
the command is unrestricted (the projects import asks for ``--user``: someone must have filed them).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from portal.accounts.models import User

from . import services
from .kinds import KINDS
from .models import ImportRun, RunStatus, Source


def issue_line(issue: dict) -> str:
    """One error as a line: 人员 row 5 工号: reason (the sheet and column are the file's own words)."""
    if issue.get("row") is None:
        return _("%(sheet)s: %(message)s") % {"sheet": issue.get("sheet") or "", "message": issue["message"]}
    return _("%(sheet)s row %(row)s %(column)s: %(message)s") % {
        "sheet": issue.get("sheet") or "",
        "row": issue["row"],
        "column": issue.get("column") or "",
        "message": issue["message"],
    }


class ImportCommand(BaseCommand):
    kind = ""  # a key of KINDS

    @property
    def help(self) -> str:  # type: ignore[override]
        return f"Import the {self.kind} sheet ({KINDS[self.kind].sheet}) from an .xlsx file; --dry-run checks only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument("--user", metavar="USERNAME", help="import as this user (their role and scope apply)")

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options) -> None:
        self.verbosity = options.get("verbosity", 1)
        by = self._user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        try:
            with path.open("rb") as handle:
                run = services.import_check(
                    kind=self.kind, upload=File(handle, name=path.name), by=by, source=Source.COMMAND
                )
            self._report(run)
            if run.status != RunStatus.CHECKED:
                self._fail(run)
            if dry_run:
                self.stdout.write(_("Dry run: nothing was written."))
                return
            run = services.import_apply(run=run, by=by)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(self._message(error)) from None
        if run.status != RunStatus.APPLIED:
            self._report(run)
            self._fail(run)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": run.created, "updated": run.updated, "unchanged": run.unchanged}
            )
        )

    def _user(self, username: str | None):
        if not username:
            return None
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(_("No active user named %(name)s.") % {"name": username})
        return found

    @staticmethod
    def _message(error: Exception) -> str:
        if isinstance(error, PermissionDenied):
            return _("This user may not run this import.")
        return " ".join(error.messages)

    def _report(self, run: ImportRun) -> None:
        sheet = KINDS[self.kind].sheet
        self.stdout.write(
            _(
                "%(sheet)s (%(file)s): %(rows)s rows; %(created)s to create, %(updated)s to update, %(unchanged)s unchanged."
            )
            % {
                "sheet": sheet,
                "file": run.file_name,
                "rows": run.rows,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
            }
        )
        if self.verbosity >= 2:
            for change in run.changes:
                fields = "; ".join(f"{header}: {old} → {new}" for header, (old, new) in change["fields"].items())
                self.stdout.write(f"  {change['row']} {change['action']} {change['label']} {fields}".rstrip())
        for issue in run.errors:
            self.stderr.write(issue_line(issue))
        if run.errors_capped:
            self.stderr.write(
                _("… and %(more)s more errors (%(total)s in all).")
                % {"more": run.error_count - len(run.errors), "total": run.error_count}
            )

    def _fail(self, run: ImportRun) -> None:
        raise CommandError(
            _("%(count)s errors: nothing was imported (import record %(pk)s).")
            % {"count": run.error_count, "pk": run.pk}
        )
