"""Spreadsheet imports in the Django admin: a read-only record for the committee office.

Runs are made only by the import pages and commands (portal/spreadsheets/services.py); nobody adds,
changes or deletes one here.
"""

from __future__ import annotations

from django.contrib import admin

from portal.permissions import can

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "file_name", "user", "source", "status", "rows", "error_count", "applied_at")
    list_filter = ("kind", "status", "source")
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    fields = (
        "kind",
        "file_name",
        "size",
        "sha256",
        "user",
        "source",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "change_count",
        "errors",
        "changes",
        "created_at",
        "applied_at",
    )
    readonly_fields = fields

    def _allowed(self, request) -> bool:
        return can(request.user, "admin.business")

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
