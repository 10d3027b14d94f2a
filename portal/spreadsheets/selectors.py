"""Reads for the import pages: which runs a user may see, and a run's report."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.permissions import can

from .kinds import KINDS, ImportKind
from .models import ImportRun

RECENT_RUNS = 20


def importable_kinds(user) -> list[ImportKind]:
    """The kinds of import the user's role may run (the engine limits secretaries to their own scope)."""
    return [kind for kind in KINDS.values() if can(user, kind.permission)]


def visible_runs(user) -> QuerySet[ImportRun]:
    """The user's own runs; the committee office also sees the runs of people in its scope and the command line's."""
    if not can(user, "import.any"):
        return ImportRun.objects.none()
    runs = ImportRun.objects.select_related("user")
    if can(user, "import.view_all"):
        if user.scope_id is None:
            return runs.filter(user=user)
        return runs.filter(Q(user=user) | Q(user__isnull=True) | Q(user__scope__path__startswith=user.scope.path))
    return runs.filter(user=user)


def own_runs(user) -> QuerySet[ImportRun]:
    if not can(user, "import.any"):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(user=user)


def recent_runs(user, limit: int = RECENT_RUNS) -> list[ImportRun]:
    return list(visible_runs(user).defer("errors", "changes")[:limit])


def report(run: ImportRun) -> dict:
    """What the report page shows besides the run itself: its kind, errors and changes in display form."""
    kind = KINDS.get(run.kind)
    changes = [
        {
            "row": change.get("row"),
            "action": change.get("action"),
            "label": change.get("label", ""),
            "fields": [(header, *values) for header, values in (change.get("fields") or {}).items()],
        }
        for change in run.changes
    ]
    return {"kind": kind, "errors": run.errors, "changes": changes}
