"""What waits for this user now: to-dos with counts, deadlines and links, per role.

Later capabilities (rounds, campaigns) add their to-dos here. Every to-do of the innovation
projects comes from one aggregate query (plus one each for objections and extension requests
for the committee office), so the workbench runs a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role
from portal.permissions import can, scoped_members, scoped_organizations

from .models import Notification

RECENT_NOTIFICATIONS = 5


@dataclass
class Todo:
    title: str
    url: str
    count: int = 0
    deadline: object = None
    key: str = ""


@dataclass
class Workbench:
    todos: list[Todo] = field(default_factory=list)
    figures: list[tuple[str, int, str]] = field(default_factory=list)  # (label, value, url)
    empty_reason: str = ""
    shortcuts: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    notifications: list[Notification] = field(default_factory=list)


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

# Which project to-dos each role sees, in display order.
PROJECT_TODOS = {
    Role.STAFF: ("publicity",),
    Role.SECRETARY: ("returned", "drafts", "reports_due", "publicity"),
    Role.REVIEWER: ("applications", "completions", "evaluations"),
    Role.COMMITTEE_ADMIN: ("applications", "completions", "evaluations", "objections", "extensions"),
}


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_end(day: dt.date) -> dt.date:
    last_month = quarter_of(day) * 3
    if last_month == 12:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, last_month + 1, 1) - dt.timedelta(days=1)


def project_todo_counts(user, *, today: dt.date | None = None) -> dict[str, object]:
    """Counts of every project to-do, in one query (projects.selectors_review.project_counts)."""
    from projects.selectors_review import project_counts

    return project_counts(user, today=today)


def _project_todos(user, today: dt.date) -> list[Todo]:
    keys = PROJECT_TODOS.get(user.role, ())
    if not keys or not can(user, "project.list"):
        return []
    counts = project_todo_counts(user, today=today)
    queue = reverse("projects:review_queue")
    projects = reverse("projects:list")
    publicity = reverse("projects:publicity")
    catalogue = {
        "drafts": (_("Drafts to submit"), f"{projects}?status=draft", None),
        "returned": (_("Projects returned to us for changes"), f"{projects}?status=draft", None),
        "reports_due": (
            _("Projects in progress without this quarter's progress report"),
            f"{projects}?status=in_progress",
            quarter_end(today),
        ),
        "publicity": (
            _("Projects in publicity (read them, raise an objection)"),
            publicity,
            counts.get("publicity_ends"),
        ),
        "applications": (_("Applications to review"), f"{queue}?tab=applications", None),
        "completions": (_("Completion requests to review"), f"{queue}?tab=completions", None),
        "evaluations": (_("Completed projects to evaluate"), f"{queue}?tab=evaluations", None),
        "objections": (_("Open objections to resolve"), f"{queue}?tab=objections", None),
        "extensions": (_("Extension requests to decide"), f"{queue}?tab=extensions", None),
    }
    todos = []
    for key in keys:
        count = counts.get(key) or 0
        if count > 0:
            title, url, deadline = catalogue[key]
            todos.append(Todo(title=str(title), url=url, count=count, deadline=deadline, key=key))
    return todos


def _round_todos(user) -> list[Todo]:
    """Review-round to-dos, counted in one aggregate query over the checks the user may open."""
    from django.db.models import Count, Exists, Min, OuterRef, Q

    from portal.accounts.models import Role
    from portal.permissions import scoped_checks
    from projects.models import ProgressReport, RoundStatus

    if not can(user, "round.list"):
        return []
    reported = ProgressReport.objects.filter(
        project=OuterRef("project"), year=OuterRef("round__year"), quarter=OuterRef("round__quarter")
    )
    active = scoped_checks(user).filter(round__status__in=[RoundStatus.OPEN, RoundStatus.REVIEWING])
    counts = active.aggregate(
        reports_missing=Count("pk", distinct=True, filter=Q(round__status=RoundStatus.OPEN) & ~Q(Exists(reported))),
        report_deadline=Min("round__report_deadline", filter=Q(round__status=RoundStatus.OPEN)),
        unchecked=Count("pk", distinct=True, filter=Q(rating="")),
        review_deadline=Min("round__review_deadline"),
        findings_open=Count("findings", distinct=True, filter=Q(findings__status="open")),
        findings_answered=Count("findings", distinct=True, filter=Q(findings__status="answered")),
    )
    rounds = reverse("rounds:list")
    if user.role == Role.SECRETARY:
        wanted = [
            ("reports_missing", _("Progress reports to file in open review rounds"), counts["report_deadline"]),
            ("findings_open", _("Findings to answer (rectification)"), None),
        ]
    else:
        wanted = [
            ("unchecked", _("Project checklists to fill in review rounds"), counts["review_deadline"]),
            ("findings_answered", _("Rectifications to confirm"), None),
        ]
    return [
        Todo(title=str(title), url=rounds, count=counts[key], deadline=deadline, key=key)
        for key, title, deadline in wanted
        if counts[key]
    ]


def workbench_for(user, *, today: dt.date | None = None) -> Workbench:
    today = today or timezone.localdate()
    wb = Workbench(empty_reason=str(EMPTY_REASONS.get(user.role, "")))
    wb.todos = _project_todos(user, today) + _round_todos(user)
    if can(user, "member.list"):
        members = scoped_members(user).filter(is_active=True)
        wb.figures.append((str(_("People in my scope")), members.count(), reverse("branches:member_list")))
    if can(user, "organization.list"):
        orgs = scoped_organizations(user).filter(is_active=True, kind="branch")
        wb.figures.append((str(_("Branches in my scope")), orgs.count(), reverse("branches:organization_list")))
    if can(user, "project.review_queue"):
        wb.shortcuts.append((str(_("Review queue")), reverse("projects:review_queue")))
    if can(user, "project.list"):
        wb.shortcuts.append((str(_("Projects")), reverse("projects:list")))
        wb.shortcuts.append((str(_("Projects in publicity")), reverse("projects:publicity")))
    if can(user, "audit.view"):
        wb.shortcuts.append((str(_("Audit log")), reverse("audit:event_list")))
    if can(user, "admin.site"):
        wb.shortcuts.append((str(_("Administration")), reverse("admin:index")))
    wb.notifications = list(
        Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:RECENT_NOTIFICATIONS]
    )
    return wb
