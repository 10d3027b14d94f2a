"""Reads for the reviewer and committee side: the review queue and the publicity page.

Every function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.permissions import can, scope_q, scoped_projects

from .models import Extension, ExtensionStatus, Objection, ObjectionStatus, ProgressReport, Project, Status

QUEUE_TABS = ("applications", "completions", "evaluations", "objections", "extensions")
COMMITTEE_TABS = ("objections", "extensions")


def _in_my_scope(user) -> QuerySet:
    """Projects of the user's own subtree (scoped_projects also holds everyone's published ones)."""
    return scoped_projects(user).filter(scope_q(user))


def queue_tabs(user) -> list[str]:
    tabs = ["applications", "completions", "evaluations"]
    if can(user, "project.committee"):
        tabs += list(COMMITTEE_TABS)
    return tabs


def _count_per_project(model, **conditions):
    """Correlated count of related rows per project (summed by the aggregate below: no row multiplication)."""
    rows = model.objects.filter(project=OuterRef("pk"), **conditions).order_by().values("project")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def project_counts(user, *, today: dt.date | None = None) -> dict[str, object]:
    """Every count the queue and the workbench show, in one query.

    Counts of the user's own subtree (drafts, applications, …) and of every project the user
    may see (publicity). Objections and extension requests are counted for the committee office.
    """
    today = today or timezone.localdate()
    mine = scope_q(user)
    report_filed = ProgressReport.objects.filter(
        project=OuterRef("pk"), year=today.year, quarter=(today.month - 1) // 3 + 1
    )
    committee = can(user, "project.committee")
    queryset = scoped_projects(user).annotate(reported=Exists(report_filed))
    if committee:
        queryset = queryset.annotate(
            open_objections=_count_per_project(Objection, status=ObjectionStatus.OPEN),
            pending_extensions=_count_per_project(Extension, status=ExtensionStatus.PENDING),
        )
    aggregates = {
        "drafts": Count("pk", filter=mine & Q(status=Status.DRAFT, returned=False)),
        "returned": Count("pk", filter=mine & Q(status=Status.DRAFT, returned=True)),
        "reports_due": Count("pk", filter=mine & Q(status=Status.IN_PROGRESS, reported=False)),
        "applications": Count("pk", filter=mine & Q(status=Status.SUBMITTED)),
        "completions": Count("pk", filter=mine & Q(status=Status.COMPLETION_REVIEW)),
        "evaluations": Count("pk", filter=mine & Q(status=Status.COMPLETED)),
        "publicity": Count("pk", filter=Q(status=Status.APPROVED)),
        "publicity_ends": Min("publicity_ends_on", filter=Q(status=Status.APPROVED)),
    }
    if committee:
        aggregates["objections"] = Coalesce(Sum("open_objections", filter=mine), 0)
        aggregates["extensions"] = Coalesce(Sum("pending_extensions", filter=mine), 0)
    return queryset.aggregate(**aggregates)


def queue_counts(user) -> dict[str, int]:
    """How many items wait in each tab of the queue (one query)."""
    counts = project_counts(user)
    return {tab: counts[tab] for tab in queue_tabs(user)}


def _waiting_projects(user, status: str, actions: tuple[str, ...]) -> QuerySet:
    return (
        _in_my_scope(user)
        .filter(status=status)
        .select_related("organization", "leader", "category")
        .annotate(waiting_since=Max("transitions__at", filter=Q(transitions__action__in=actions)))
        .order_by("waiting_since", "id")
    )


def waiting_applications(user) -> QuerySet:
    return _waiting_projects(user, Status.SUBMITTED, ("submit",))


def waiting_completions(user) -> QuerySet:
    return _waiting_projects(user, Status.COMPLETION_REVIEW, ("request_completion",))


def waiting_evaluations(user) -> QuerySet:
    return _waiting_projects(user, Status.COMPLETED, ("accept",))


def open_objections(user) -> QuerySet:
    return (
        Objection.objects.filter(status=ObjectionStatus.OPEN, project__in=_in_my_scope(user))
        .select_related("project__organization", "raised_by")
        .order_by("raised_at", "id")
    )


def pending_extensions(user) -> QuerySet:
    return (
        Extension.objects.filter(status=ExtensionStatus.PENDING, project__in=_in_my_scope(user))
        .select_related("project__organization", "requested_by")
        .order_by("requested_at", "id")
    )


def queue_rows(user, tab: str) -> QuerySet:
    return {
        "applications": waiting_applications,
        "completions": waiting_completions,
        "evaluations": waiting_evaluations,
        "objections": open_objections,
        "extensions": pending_extensions,
    }[tab](user)


# --- publicity -----------------------------------------------------------------------------------


@dataclass
class PublicityRow:
    project: Project
    days_left: int
    is_over: bool  # publicity ended, but an open objection holds the start
    may_object: bool
    may_resolve: bool
    may_terminate: bool
    objections: list[Objection]  # shown to the committee office only
    upheld: bool


def publicity_projects(user) -> QuerySet:
    """All projects in publicity the user may see (every business role sees every one)."""
    qs = (
        scoped_projects(user)
        .filter(status=Status.APPROVED)
        .select_related("organization", "leader", "category")
        .order_by("publicity_ends_on", "number", "id")
    )
    if can(user, "project.committee"):
        qs = qs.prefetch_related(
            Prefetch(
                "objections",
                queryset=Objection.objects.exclude(status=ObjectionStatus.DISMISSED)
                .select_related("raised_by")
                .order_by("raised_at", "id"),
                to_attr="visible_objections",
            )
        )
    return qs


def publicity_rows(user, projects, *, today: dt.date | None = None) -> list[PublicityRow]:
    today = today or timezone.localdate()
    rows = []
    for project in projects:
        may_resolve = can(user, "project.resolve_objection", project)
        objections = getattr(project, "visible_objections", []) if may_resolve else []
        rows.append(
            PublicityRow(
                project=project,
                days_left=max((project.publicity_ends_on - today).days, 0) if project.publicity_ends_on else 0,
                is_over=bool(project.publicity_ends_on and project.publicity_ends_on < today),
                may_object=can(user, "project.object", project),
                may_resolve=may_resolve,
                may_terminate=can(user, "project.terminate", project),
                objections=[o for o in objections if o.status == ObjectionStatus.OPEN],
                upheld=any(o.status == ObjectionStatus.UPHELD for o in objections),
            )
        )
    return rows
