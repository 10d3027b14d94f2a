"""Resolving an organization named in a cell: ``第一党支部`` or a path ``机关党总支/第一党支部``.

A name alone must name one organization; otherwise the path of names (from any ancestor down) must.
The index is loaded once per import and kept current as the import creates or renames organizations.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from branches.models import Organization

from .values import CellError, shown

PATH_SPLIT = re.compile(r"\s*[/／\\]\s*")


class OrgIndex:
    def __init__(self) -> None:
        self.by_path: dict[str, Organization] = {}
        self.by_name: dict[str, list[Organization]] = {}
        self.by_code: dict[str, Organization] = {}
        for org in Organization.objects.all():
            self.add(org)

    def add(self, org: Organization) -> None:
        self.by_path[org.path] = org
        self.by_name.setdefault(org.name, []).append(org)
        if org.code:
            self.by_code[org.code.upper()] = org

    def rename(self, org: Organization, old_name: str, old_code: str | None) -> None:
        self.by_name[old_name] = [o for o in self.by_name.get(old_name, []) if o.pk != org.pk]
        if old_code:
            self.by_code.pop(old_code.upper(), None)
        self.by_path.pop(org.path, None)
        self.add(org)

    def parent(self, org: Organization) -> Organization | None:
        return self.by_path.get(org.path[: -Organization.steplen]) if org.depth > 1 else None

    def chain(self, org: Organization) -> list[str]:
        names = [org.name]
        node = self.parent(org)
        while node is not None:
            names.append(node.name)
            node = self.parent(node)
        return names[::-1]

    def children_named(self, parent: Organization | None, name: str) -> list[Organization]:
        return [org for org in self.by_name.get(name, []) if self.parent(org) == parent]

    def resolve(self, reference: str) -> Organization:
        """The one organization the reference names; CellError when none or several."""
        parts = [part for part in PATH_SPLIT.split(reference.strip()) if part]
        if not parts:
            raise CellError(_("No organization given."))
        matches = [org for org in self.by_name.get(parts[-1], []) if self.chain(org)[-len(parts) :] == parts]
        if not matches:
            if len(parts) > 1 and self.by_name.get(parts[-1]):
                raise CellError(
                    _("No organization has the path “%(value)s”; check the names above “%(name)s”.")
                    % {"value": shown(reference), "name": parts[-1]}
                )
            raise CellError(_("There is no organization named “%(value)s”.") % {"value": shown(reference)})
        if len(matches) > 1:
            example = "/".join(self.chain(matches[0])[-2:])
            raise CellError(
                _("Several organizations are named “%(value)s”; write the path, e.g. “%(example)s”.")
                % {"value": shown(reference), "example": example}
            )
        return matches[0]
