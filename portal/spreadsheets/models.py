"""One import of a spreadsheet (issue 7): the stored file, who checked it, and what the engine reported.

A run is made by the dry run (``services.import_check``): status *checked* when the file has no error,
*refused* when it has. Confirming (``services.import_apply``) runs the import again on the very same stored
file (its SHA-256 is verified) and records the new outcome: *applied*, or *refused* when the data changed
in between and an error came up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_STORED_ERRORS = 1000
MAX_STORED_CHANGES = 2000


def kind_choices() -> list[tuple[str, str]]:
    from .kinds import KINDS

    return [(key, kind.title) for key, kind in KINDS.items()]


class Source(models.TextChoices):
    WEB = "web", _("Browser")
    COMMAND = "command", _("Command line")


class RunStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, not imported yet")
    APPLIED = "applied", _("Imported")
    REFUSED = "refused", _("Refused")


class ImportRun(models.Model):
    kind = models.CharField(_("import"), max_length=20, choices=kind_choices)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("to create"), default=0)
    updated = models.PositiveIntegerField(_("to update"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list, blank=True)  # Issue.as_dict(), at most MAX_STORED_ERRORS
    change_count = models.PositiveIntegerField(default=0)  # rows that create or update something
    changes = models.JSONField(default=list, blank=True)  # Change.as_dict() of those rows, at most MAX_STORED_CHANGES
    created_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="applied") | models.Q(applied_at__isnull=False),
                name="spreadsheets_importrun_applied_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def errors_capped(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def changes_capped(self) -> bool:
        return self.change_count > len(self.changes)

    @property
    def can_be_applied(self) -> bool:
        return self.status == RunStatus.CHECKED and self.error_count == 0
