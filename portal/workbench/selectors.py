"""What waits for this user now. Later capabilities (projects, rounds, campaigns) add their to-dos here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role
from portal.permissions import can, scoped_members, scoped_organizations


@dataclass
class Todo:
    title: str
    url: str
    count: int = 0
    deadline: object = None


@dataclass
class Workbench:
    todos: list[Todo] = field(default_factory=list)
    figures: list[tuple[str, int, str]] = field(default_factory=list)  # (label, value, url)
    empty_reason: str = ""
    shortcuts: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


EMPTY_REASONS = {
    Role.STAFF: _(
        "Nothing waits for you. Projects in publicity will appear here so that you can read them and raise an objection."
    ),
    Role.SECRETARY: _(
        "Nothing waits for you. Returned projects, progress reports due and findings to answer will appear here."
    ),
    Role.REVIEWER: _(
        "Nothing waits for you. Applications, completion requests and checklists to fill will appear here."
    ),
    Role.COMMITTEE_ADMIN: _(
        "Nothing waits for you. Applications, objections, open review rounds and campaigns will appear here."
    ),
    Role.SYSADMIN: _("Nothing waits for you. Accounts and settings are managed in the administration site."),
    Role.AUDITOR: _("Nothing waits for you. The audit log lists logins, refusals and every change."),
}


def workbench_for(user) -> Workbench:
    from django.urls import reverse

    wb = Workbench(empty_reason=str(EMPTY_REASONS.get(user.role, "")))
    if can(user, "member.list"):
        members = scoped_members(user).filter(is_active=True)
        wb.figures.append((str(_("People in my scope")), members.count(), reverse("branches:member_list")))
    if can(user, "organization.list"):
        orgs = scoped_organizations(user).filter(is_active=True, kind="branch")
        wb.figures.append((str(_("Branches in my scope")), orgs.count(), reverse("branches:organization_list")))
    if can(user, "audit.view"):
        wb.shortcuts.append((str(_("Audit log")), reverse("audit:event_list")))
    if can(user, "admin.site"):
        wb.shortcuts.append((str(_("Administration")), reverse("admin:index")))
    return wb
