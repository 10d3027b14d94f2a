"""What waits for this user now: to-dos with counts, deadlines and links, per role.

Later capabilities (rounds, campaigns) add their to-dos here. Every to-do of the innovation
projects comes from one aggregate query (plus one each for objections and extension requests
for the committee office), so the workbench runs a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
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


HONORS_SHORTCUTS = (
    (_("Campaigns"), "honors:campaign_list", "campaign.list"),
    (_("Honours"), "honors:honor_list", "honor.list"),
    (_("Posts"), "honors:post_list", "post.list"),
    (_("Grading"), "honors:grade_list", "grade.list"),
)


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


class _SubqueryCount(Subquery):
    """The number of rows of a queryset, as a scalar subquery (several counts in one SELECT)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def _honors_counts(user, today: dt.date) -> dict[str, int]:
    """Counts of the post and grading to-dos, each a scalar subquery of one SELECT (one query)."""
    from branches.models import Organization, OrgKind
    from honors.models import BranchGrade, PostStatus
    from portal.permissions import scope_q, scoped_posts

    counts = {}
    posts = scoped_posts(user).filter(scope_q(user)).values("pk")
    if can(user, "post.review_any"):
        counts["post_applications"] = posts.filter(status=PostStatus.APPLIED)
        counts["posts_building"] = posts.filter(status=PostStatus.BUILDING)
        counts["posts_review_due"] = posts.filter(status=PostStatus.TITLED).filter(
            Q(last_reviewed_year__lt=today.year) | Q(last_reviewed_year__isnull=True)
        )
    elif can(user, "post.create"):
        counts["posts_waiting"] = posts.filter(status=PostStatus.APPLIED)
    if can(user, "grade.manage_any"):
        graded = BranchGrade.objects.filter(organization=OuterRef("pk"), year=today.year - 1)
        counts["branches_ungraded"] = (
            scoped_organizations(user).filter(kind=OrgKind.BRANCH, is_active=True).filter(~Exists(graded)).values("pk")
        )
    if not counts or user.scope_id is None:
        return {}
    row = (
        Organization.objects.filter(pk=user.scope_id)
        .annotate(**{key: _SubqueryCount(qs) for key, qs in counts.items()})
        .values(*counts)
        .first()
    )
    return row or {}


def _nomination_todos(user, today: dt.date) -> list[Todo]:
    """A secretary's open campaigns (window open) in which the branch still has places, one query."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    from honors.models import BranchQuota, CampaignAward, CampaignStatus, NominationStatus
    from portal.permissions import scoped_campaigns

    if not can(user, "nomination.create_any") or user.scope_id is None:
        return []
    branch = user.scope_id
    override = BranchQuota.objects.filter(offer=OuterRef("pk"), organization=branch).values("quota")[:1]
    offers = (
        CampaignAward.objects.filter(
            campaign__in=scoped_campaigns(user),
            campaign__status=CampaignStatus.NOMINATING,
            campaign__nomination_opens_on__lte=today,
            campaign__nomination_closes_on__gte=today,
        )
        .annotate(
            used=Count(
                "nominations",
                filter=Q(nominations__organization=branch) & ~Q(nominations__status=NominationStatus.WITHDRAWN),
            ),
            allowed=Coalesce(Subquery(override), "branch_quota", output_field=IntegerField()),
        )
        .annotate(left=F("allowed") - F("used"))
        .filter(left__gt=0)
        .values("campaign", "campaign__name", "campaign__nomination_closes_on", "left")
        .order_by("campaign__nomination_closes_on", "campaign")
    )
    found: dict[int, Todo] = {}
    for row in offers:
        todo = found.get(row["campaign"])
        if todo is None:
            todo = found[row["campaign"]] = Todo(
                title=str(_("Nominations open: %(campaign)s") % {"campaign": row["campaign__name"]}),
                url=reverse("honors:campaign_detail", args=[row["campaign"]]),
                deadline=row["campaign__nomination_closes_on"],
                key="nominations_open",
            )
        todo.count += row["left"]
    return list(found.values())


def _campaign_todos(user, today: dt.date) -> list[Todo]:
    """Judges: nominations still to judge. Committee office: campaigns to move on. One query."""
    from django.db.models import Case, Value, When
    from django.db.models.functions import Coalesce, Left, Length

    from branches.models import Member, Organization, OrgKind
    from honors.models import Campaign, CampaignStatus, Judgement, Nomination, NominationStatus
    from portal.permissions import scope_q, scoped_campaigns

    judge = can(user, "campaign.judge_any")
    manage = can(user, "campaign.manage_any")
    if not (judge or manage):
        return []
    active = Nomination.objects.filter(offer__campaign=OuterRef("pk")).exclude(status=NominationStatus.WITHDRAWN)
    pending = active.exclude(Exists(Judgement.objects.filter(nomination=OuterRef("pk"), judge=user)))
    if user.member_id is not None:
        # Recusal, approximately: nothing nominated by the judge's own branch, nor the judge in person.
        steplen = Organization.steplen
        own_branch = Member.objects.filter(pk=user.member_id).annotate(
            branch_path=Case(
                When(organization__kind=OrgKind.BRANCH, then=F("organization__path")),
                When(
                    organization__kind=OrgKind.PARTY_GROUP,
                    then=Left("organization__path", Length("organization__path") - steplen),
                ),
            )
        )
        never = Value("~")  # matches no path: a judge outside any branch is recused from nothing
        pending = pending.exclude(member=user.member_id).exclude(
            organization__path__startswith=Coalesce(Subquery(own_branch.values("branch_path")[:1]), never)
        )
    is_judge = Exists(Campaign.judges.through.objects.filter(campaign=OuterRef("pk"), user=user.pk))
    managed = scope_q(user) if manage else Q(pk__in=[])  # campaign.manage: run within the user's scope
    to_judge = Q(status=CampaignStatus.JUDGING, is_judge=True, pending__gt=0) if judge else Q(pk__in=[])
    to_advance = managed & (
        Q(status=CampaignStatus.NOMINATING, nomination_closes_on__lt=today)
        | Q(status=CampaignStatus.JUDGING)
        | Q(status=CampaignStatus.PUBLICITY, publicity_ends_on__lte=today)
    )
    campaigns = (
        scoped_campaigns(user)
        .annotate(
            is_judge=is_judge,
            pending=_SubqueryCount(pending.values("pk")),
            nominated=_SubqueryCount(active.values("pk")),
            winners=_SubqueryCount(active.filter(status=NominationStatus.WINNER).values("pk")),
            managed=Case(When(managed, then=Value(True)), default=Value(False)),
        )
        .filter(to_judge | to_advance)
        .values("pk", "name", "status", "is_judge", "pending", "nominated", "winners", "managed")
        .order_by("nomination_closes_on", "pk")
    )
    todos = []
    for c in campaigns:
        detail = reverse("honors:campaign_detail", args=[c["pk"]])
        if judge and c["status"] == CampaignStatus.JUDGING and c["is_judge"] and c["pending"]:
            todos.append(
                Todo(
                    title=str(_("Nominations to judge: %(campaign)s") % {"campaign": c["name"]}),
                    url=reverse("honors:judge", args=[c["pk"]]),
                    count=c["pending"],
                    key="nominations_to_judge",
                )
            )
        if not c["managed"]:
            continue
        if c["status"] == CampaignStatus.NOMINATING:
            title, key, count = _("Close the nominations: %(campaign)s"), "campaign_close", c["nominated"]
        elif c["status"] == CampaignStatus.JUDGING:
            title, key, count = _("Select the winners: %(campaign)s"), "campaign_winners", c["nominated"]
        else:
            title, key, count = _("Publicity is over, finalize: %(campaign)s"), "campaign_finalize", c["winners"]
        todos.append(Todo(title=str(title % {"campaign": c["name"]}), url=detail, count=count, key=key))
    return todos


def _honors_todos(user, today: dt.date) -> list[Todo]:
    """Posts, campaigns and grading: at most three queries, whatever the amount of data."""
    if not (can(user, "post.list") or can(user, "campaign.list") or can(user, "grade.list")):
        return []
    counts = _honors_counts(user, today)
    posts = reverse("honors:post_list")
    last_year = today.year - 1
    catalogue = {
        "posts_waiting": (_("Our demonstration post applications waiting for a decision"), f"{posts}?status=applied"),
        "post_applications": (_("Demonstration post applications to decide"), f"{posts}?status=applied"),
        "posts_building": (_("Demonstration posts being built, to assess"), f"{posts}?status=building"),
        "posts_review_due": (
            _("Titled demonstration posts due for this year's review"),
            f"{posts}?status=titled",
        ),
        "branches_ungraded": (
            _("Branches without a grade for %(year)s") % {"year": last_year},
            f"{reverse('honors:grade_list')}?year={last_year}",
        ),
    }
    todos = _nomination_todos(user, today)
    for key, (title, url) in catalogue.items():
        if counts.get(key):
            todos.append(Todo(title=str(title), url=url, count=counts[key], key=key))
    return todos + _campaign_todos(user, today)


def workbench_for(user, *, today: dt.date | None = None) -> Workbench:
    today = today or timezone.localdate()
    wb = Workbench(empty_reason=str(EMPTY_REASONS.get(user.role, "")))
    wb.todos = _project_todos(user, today) + _round_todos(user) + _honors_todos(user, today)
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
    for label, name, action in HONORS_SHORTCUTS:
        if can(user, action):
            wb.shortcuts.append((str(label), reverse(name)))
    if can(user, "audit.view"):
        wb.shortcuts.append((str(_("Audit log")), reverse("audit:event_list")))
    if can(user, "admin.site"):
        wb.shortcuts.append((str(_("Administration")), reverse("admin:index")))
    wb.notifications = list(
        Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:RECENT_NOTIFICATIONS]
    )
    return wb
