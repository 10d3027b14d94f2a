"""Spreadsheet imports: check a file (dry run), then confirm it (issue 7).

``import_check`` stores the uploaded file and records what a dry run of the engine reports;
``import_apply`` runs the very same stored file for real. The engine (``engine.run_import``) does the
reading and the writing, in one transaction that it rolls back on any error: these functions only keep
the record (``ImportRun``), check who may do what, and audit.
"""

from __future__ import annotations

import hashlib
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.log import record
from portal.audit.models import Event, Result
from portal.permissions import can

from .base import UNCHANGED, Outcome
from .kinds import KINDS, ImportKind
from .models import MAX_STORED_CHANGES, MAX_STORED_ERRORS, ImportRun, RunStatus, Source

COMMAND_USERNAME = "(command line)"


def _engine():
    from . import engine

    return engine


def max_file_bytes() -> int:
    return _engine().MAX_FILE_BYTES


def max_rows() -> int:
    return _engine().MAX_ROWS


def _kind(key: str) -> ImportKind:
    if key not in KINDS:
        raise ValidationError(_("Unknown kind of import: %(kind)s.") % {"kind": key})
    return KINDS[key]


def _check_allowed(by, kind: ImportKind) -> None:
    """The command line without --user (``by`` None) is unrestricted; everyone else needs the kind's permission."""
    if by is not None and not can(by, kind.permission):
        raise PermissionDenied(kind.permission)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _read(upload, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of the upload (a file that grows past its announced size is still too big)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        data = bytearray()
        for chunk in upload.chunks():
            data += chunk
            if len(data) > limit:
                break
        return bytes(data)
    return upload.read(limit + 1)


def _too_big(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it into smaller files.")
        % {"size": _megabytes(size), "limit": _megabytes(limit)},
        code="too_big",
    )


def _store_outcome(run: ImportRun, outcome: Outcome) -> None:
    run.rows = outcome.rows
    run.created = outcome.created
    run.updated = outcome.updated
    run.unchanged = outcome.unchanged
    run.error_count = len(outcome.errors)
    ordered = sorted(outcome.errors, key=lambda issue: (issue.row is not None, issue.row or 0))
    run.errors = [issue.as_dict() for issue in ordered[:MAX_STORED_ERRORS]]
    changes = sorted((c for c in outcome.changes if c.action != UNCHANGED), key=lambda c: c.row)
    run.change_count = len(changes)
    run.changes = [change.as_dict() for change in changes[:MAX_STORED_CHANGES]]


def _summary(run: ImportRun) -> dict:
    return {
        "kind": run.kind,
        "file_name": run.file_name,
        "size": run.size,
        "sha256": run.sha256,
        "source": run.source,
        "status": run.status,
        "rows": run.rows,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "errors": run.error_count,
    }


def import_check(*, kind: str, upload, by, source: str = Source.WEB) -> ImportRun:
    """Store the file and record a dry run of it: what would be created and updated, and every error.

    ``upload`` is an uploaded file (or any Django ``File``). A file over the engine's size limit is refused
    before it is read (ValidationError); anything wrong inside the file is reported in the run's errors.
    """
    import_kind = _kind(kind)
    _check_allowed(by, import_kind)
    limit = max_file_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(size, limit)
    data = _read(upload, limit)
    if len(data) > limit:
        raise _too_big(len(data), limit)
    file_name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:200] or f"{import_kind.sheet}.xlsx"
    digest = hashlib.sha256(data).hexdigest()

    outcome = _engine().run_import(kind=kind, data=data, file_name=file_name, by=by, dry_run=True)

    run = ImportRun(
        kind=kind,
        file_name=file_name,
        sha256=digest,
        size=len(data),
        user=by,
        source=source,
        status=RunStatus.CHECKED if outcome.ok else RunStatus.REFUSED,
    )
    _store_outcome(run, outcome)
    run.file.save(f"{kind}-{digest[:16]}.xlsx", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            run.full_clean()
            run.save()
            record(
                event=Event.CREATE,
                user=by,
                username="" if by is not None else COMMAND_USERNAME,
                obj=run,
                result=Result.SUCCESS if outcome.ok else Result.FAILURE,
                detail={"import": "check", **_summary(run)},
            )
    except Exception:
        run.file.delete(save=False)
        raise
    return run


@transaction.atomic
def import_apply(*, run: ImportRun, by) -> ImportRun:
    """Import a checked file for real: the same stored file, by the person who checked it, once.

    Refused (ValidationError) when the run is someone else's, had errors, was imported already, or its
    stored file no longer matches what was checked. When the engine finds an error now (the data changed
    since the dry run), nothing is written and the run becomes *refused* with the new errors.
    """
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    import_kind = _kind(locked.kind)
    if locked.user_id != (by.pk if by is not None else None):
        raise ValidationError(_("Only the person who checked this file can import it."), code="not_owner")
    _check_allowed(by, import_kind)
    if locked.status == RunStatus.APPLIED:
        raise ValidationError(_("This file has already been imported."), code="applied")
    if not locked.can_be_applied:
        raise ValidationError(
            _("This file has errors and cannot be imported. Correct them and upload the file again."), code="errors"
        )
    try:
        with locked.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        raise ValidationError(_("The checked file is missing from storage; upload it again."), code="missing") from None
    if hashlib.sha256(data).hexdigest() != locked.sha256:
        raise ValidationError(_("The stored file has changed since it was checked; upload it again."), code="changed")

    outcome = _engine().run_import(kind=locked.kind, data=data, file_name=locked.file_name, by=by, dry_run=False)

    _store_outcome(locked, outcome)
    if outcome.applied:
        locked.status = RunStatus.APPLIED
        locked.applied_at = timezone.now()
    else:
        locked.status = RunStatus.REFUSED
    locked.full_clean()
    locked.save()
    record(
        event=Event.TRANSITION,
        user=by,
        username="" if by is not None else COMMAND_USERNAME,
        obj=locked,
        result=Result.SUCCESS if outcome.applied else Result.FAILURE,
        detail={"import": "apply", **_summary(locked)},
    )
    run.refresh_from_db()
    return locked
