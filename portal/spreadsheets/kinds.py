"""The three things that import from a spreadsheet, with their sheet, columns and permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from branches.sheets import MEMBER_COLUMNS, MEMBER_SHEET, ORGANIZATION_COLUMNS, ORGANIZATION_SHEET
from projects.sheets import PROJECT_COLUMNS, PROJECT_SHEET

from .columns import Column


@dataclass(frozen=True)
class ImportKind:
    key: str
    sheet: str  # the sheet's (and the template's) Chinese name
    title: Promise  # shown in the interface
    columns: tuple[Column, ...]
    permission: str  # portal.permissions action, checked without an object (role level)
    importer_path: str  # dotted path of the Importer class

    @property
    def importer(self):
        return import_string(self.importer_path)


KINDS: dict[str, ImportKind] = {
    "organizations": ImportKind(
        "organizations",
        ORGANIZATION_SHEET,
        _("Party organizations"),
        ORGANIZATION_COLUMNS,
        "import.organizations",
        "branches.imports.OrganizationImporter",
    ),
    "members": ImportKind(
        "members", MEMBER_SHEET, _("People"), MEMBER_COLUMNS, "import.members", "branches.imports.MemberImporter"
    ),
    "projects": ImportKind(
        "projects",
        PROJECT_SHEET,
        _("Innovation projects"),
        PROJECT_COLUMNS,
        "import.projects",
        "projects.imports.ProjectImporter",
    ),
}
