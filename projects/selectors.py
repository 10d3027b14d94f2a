"""Reads of the branch-secretary pages: scoped querysets with their joins, so pages run a fixed
number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from branches.models import Member, Organization, OrgKind, PartyStatus
from portal.db import ModelColumns, prepared_cursor
from portal.permissions import scope_q, scoped_members, scoped_organizations, scoped_projects

from .models import (
    Attachment,
    EvaluationScore,
    Extension,
    Grade,
    ImprovementPlan,
    Objection,
    ProgressReport,
    Project,
    ProjectTransition,
    Result,
    Status,
    TeamMember,
    TeamRole,
)
from .workflow import TRANSITIONS

MEMBER_SEARCH_LIMIT = 20

# Timeline labels of the log rows that are not state changes.
EXTRA_ACTION_LABELS = {
    "report": _("Progress report filed"),
    "objection_resolved": _("Objection resolved"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "import": _("Imported from a spreadsheet"),
    "import_update": _("Updated from a spreadsheet"),
}


# --- list ------------------------------------------------------------------------------------------


def project_list_queryset(user) -> QuerySet[Project]:
    """The user's visible projects with everything the list shows, and the value of the results so far."""
    result_value = (
        Result.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("value"))
        .values("total")
    )
    return (
        scoped_projects(user)
        .select_related("organization", "category", "leader")
        .annotate(
            result_value=Coalesce(
                Subquery(result_value, output_field=DecimalField(max_digits=14, decimal_places=2)),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .order_by("-year", "-created_at", "-id")
    )


def filter_organizations(user) -> QuerySet[Organization]:
    """Nodes that file or group projects (committees, general branches, branches) in the user's scope."""
    return scoped_organizations(user).filter(
        kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH], is_active=True
    )


def project_years(user) -> list[int]:
    """The years to offer in the year filter: from the first to the last year of any project (two index
    lookups; a DISTINCT over the scoped projects cost tens of milliseconds on a large company)."""
    span = Project.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    return list(range(span["last"], span["first"] - 1, -1))


# --- the form: people of the secretary's branch ------------------------------------------------------


def branch_people(user) -> QuerySet[Member]:
    """Active people (party and non-party) of the user's branch subtree: the team candidates."""
    return scoped_members(user).filter(is_active=True).order_by("name", "id")


def branch_party_members(user) -> QuerySet[Member]:
    return branch_people(user).exclude(party_status=PartyStatus.NONE)


def member_search(user, text: str) -> list[Member]:
    text = (text or "").strip()
    if not text:
        return []
    return list(
        branch_people(user).filter(Q(name__icontains=text) | Q(employee_no__icontains=text))[:MEMBER_SEARCH_LIMIT]
    )


# --- detail --------------------------------------------------------------------------------------------

DETAIL_PREFETCHES = (
    "expected_result_types",
    Prefetch(
        "team",
        queryset=TeamMember.objects.select_related("member__organization").order_by(
            Case(
                When(role=TeamRole.LEADER, then=Value(0)),
                When(role=TeamRole.CORE, then=Value(1)),
                default=Value(2),
            ),
            "id",
        ),
    ),
    Prefetch("transitions", queryset=ProjectTransition.objects.select_related("by").order_by("at", "id")),
    Prefetch(
        "reports",
        queryset=ProgressReport.objects.select_related("submitted_by").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(is_active=True))
        ),
    ),
    Prefetch(
        "results",
        queryset=Result.objects.select_related("result_type").prefetch_related(
            Prefetch("evidence", queryset=Attachment.objects.filter(is_active=True))
        ),
    ),
    Prefetch("objections", queryset=Objection.objects.select_related("raised_by", "resolved_by")),
    Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
    Prefetch("attachments", queryset=Attachment.objects.filter(is_active=True).select_related("uploaded_by")),
)


def project_for_detail(user) -> QuerySet[Project]:
    """The scoped queryset a detail page fetches from (another branch's draft is simply not in it)."""
    return scoped_projects(user).select_related(
        "organization", "category", "topic_source", "leader", "created_by", "evaluation__evaluator"
    )


@cache
def _row_query() -> tuple[str, ModelColumns, ModelColumns]:
    from portal.statistics.cache import expression

    connection = connections["default"]
    qn = connection.ops.quote_name
    projects = ModelColumns(Project, "p")
    orgs = ModelColumns(Organization, "o")
    sql = (
        f"SELECT {projects.sql}, {orgs.sql}, {expression()} "  # noqa: S608 (model metadata and constants only)
        f"FROM {qn(Project._meta.db_table)} p "
        f"JOIN {qn(Organization._meta.db_table)} o ON o.{qn('id')} = p.{qn('organization_id')} "
        f"WHERE p.{qn('id')} = %s"
    )
    return sql, projects, orgs


def project_row(pk: int) -> tuple[Project, str] | None:
    """The detail page's own fetch: the project row, its organization and the data's state (the input of
    ``portal.statistics.cache.digest``) in one prepared statement (portal/db.py), or None. Whether the user may
    see it is the caller's question (``project.view``, the rule ``scoped_projects`` expresses as a queryset);
    the ORM's version of this query cost more to build and plan than to run."""
    if not 0 < pk < 2**63:  # a bigint: anything else matches no row (as the ORM's lookups answer)
        return None
    sql, projects, orgs = _row_query()
    with prepared_cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    project = projects.instance(row[: len(projects)])
    organization = orgs.instance(row[len(projects) : len(projects) + len(orgs)])
    Project._meta.get_field("organization").set_cached_value(project, organization)
    return project, row[-1]


def prefetch_detail(project: Project, only: tuple[str, ...] | None = None) -> Project:
    """Load every related list of the detail page at once (or only some of them, by name)."""
    lookups = DETAIL_PREFETCHES
    if only is not None:
        lookups = tuple(p for p in DETAIL_PREFETCHES if (p if isinstance(p, str) else p.prefetch_to) in only)
    prefetch_related_objects([project], *lookups)
    return project


@dataclass
class TimelineEntry:
    action: str
    at: Any
    who: str
    label: str
    from_label: str
    to_label: str
    changed: bool
    comment: str
    style: str
    facts: list[tuple[str, str]] = field(default_factory=list)


MEETING_LABELS = {
    "date": _("Meeting date"),
    "meeting": _("Meeting"),
    "attendees": _("Attendees"),
    "vote": _("Vote"),
}


def timeline(project: Project) -> list[TimelineEntry]:
    """The transition log as display rows (uses the prefetched ``transitions``)."""
    status_labels = dict(Status.choices)
    entries = []
    for row in project.transitions.all():
        transition = TRANSITIONS.get(row.action)
        label = transition.label if transition else EXTRA_ACTION_LABELS.get(row.action, row.action)
        facts: list[tuple[str, str]] = []
        detail = row.detail or {}
        if detail.get("number"):
            facts.append((str(_("Project number")), str(detail["number"])))
        for key, value in (detail.get("meeting") or {}).items():
            facts.append((str(MEETING_LABELS.get(key, key)), str(value)))
        if row.action.startswith("extension_") and detail.get("new_end"):
            facts.append((str(_("Planned end")), f"{detail.get('old_end', '')} → {detail['new_end']}"))
        if detail.get("grade"):
            facts.append((str(_("Total score")), str(detail.get("total", ""))))
            facts.append((str(_("Grade")), str(dict(Grade.choices).get(detail["grade"], detail["grade"]))))
        who = (row.by.get_full_name() or row.by.get_username()) if row.by is not None else str(_("System"))
        entries.append(
            TimelineEntry(
                action=row.action,
                at=row.at,
                who=who,
                label=str(label),
                from_label=str(status_labels.get(row.from_status, row.from_status or "—")),
                to_label=str(status_labels.get(row.to_status, row.to_status)),
                changed=row.from_status != row.to_status,
                comment=row.comment,
                style=transition.style if transition else "secondary",
                facts=facts,
            )
        )
    return entries


def return_note(project: Project, entries: list[TimelineEntry] | None = None) -> TimelineEntry | None:
    """Why a returned draft came back: the last "return" step (from the prefetched timeline when given)."""
    if not project.returned:
        return None
    if entries is None:
        prefetch_detail(project, only=("transitions",))
        entries = timeline(project)
    returns = [e for e in entries if e.action == "return"]
    return returns[-1] if returns else None


def evaluation_scores(project: Project) -> list[EvaluationScore]:
    evaluation = getattr(project, "evaluation", None)
    if evaluation is None:
        return []
    return list(evaluation.scores.select_related("rubric_item").order_by("rubric_item__order", "id"))


def completion_checklist(project: Project) -> list[tuple[str, bool]]:
    """What completion needs (WORKFLOWS.md §1), with a tick for what is already there."""
    has_result = project.results.exists()
    has_final = project.reports.filter(is_final=True).exists()
    return [
        (str(_("At least one result (成果)")), has_result),
        (str(_("The final progress report")), has_final),
        (str(_("A completion summary")), bool(project.completion_summary.strip())),
    ]


# --- improvement plans ------------------------------------------------------------------------------


def plan_queryset(user) -> QuerySet[ImprovementPlan]:
    return (
        ImprovementPlan.objects.filter(scope_q(user))
        .select_related("member", "organization")
        .order_by("-year", "organization__path", "member__name", "id")
    )


def plan_counts(queryset: QuerySet[ImprovementPlan]) -> dict[str, int]:
    party = Q(member__party_status__in=[PartyStatus.FULL, PartyStatus.PROBATIONARY])
    return queryset.order_by().aggregate(
        total=Count("id"),
        party=Count("id", filter=party),
        non_party=Count("id", filter=Q(member__party_status=PartyStatus.NONE)),
        done=Count("id", filter=Q(is_done=True)),
    )


# --- projects and plans on the branch and member pages ------------------------------------------------

ORGANIZATION_RECENT_PROJECTS = 10


@dataclass
class OrganizationProjects:
    total: int
    status_counts: list[tuple[str, str, int]]  # (value, label, count), statuses with projects only
    recent: list[Project]


def organization_projects(user, org: Organization) -> OrganizationProjects:
    """The projects of an organization's subtree that the user may open: counts by status (one query)
    and the most recent ones (one query)."""
    projects = scoped_projects(user).filter(organization__path__startswith=org.path)
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("id")))
    status_counts = [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)]
    recent = list(projects.order_by("-year", "-created_at", "-id")[:ORGANIZATION_RECENT_PROJECTS])
    return OrganizationProjects(total=sum(counts.values()), status_counts=status_counts, recent=recent)


def member_projects(user, member: Member) -> list[TeamMember]:
    """The team places of a person (leader, core member, member) in projects the user may open, with the
    project (one query)."""
    return list(
        TeamMember.objects.filter(member=member, project__in=scoped_projects(user))
        .select_related("project")
        .order_by("-project__year", "-project__created_at", "-project_id")
    )


def member_plans(user, member: Member) -> list[ImprovementPlan]:
    """A person's improvement plans (登高计划) within the user's scope, newest year first (one query)."""
    return list(ImprovementPlan.objects.filter(scope_q(user), member=member).order_by("-year", "-id"))
