"""Reads for the review-round pages. Every function runs a fixed number of queries whatever the number of rows,
and starts from the user's scoped querysets (portal.permissions.scoped_rounds / scoped_checks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.permissions import scope_q, scoped_checks, scoped_rounds

from .models import (
    BranchComment,
    CheckAnswer,
    Finding,
    FindingStatus,
    ProgressReport,
    ProjectCheck,
    Rating,
    ReviewRound,
)

UNCONFIRMED = Q(status__in=[FindingStatus.OPEN, FindingStatus.ANSWERED])


def _overdue(today: dt.date, prefix: str = "") -> Q:
    """A finding is overdue when the branch has not reported its rectification by the deadline."""
    return Q(**{f"{prefix}status": FindingStatus.OPEN, f"{prefix}deadline__lt": today})


def _report_of(round_or_ref, project_ref) -> QuerySet:
    year, quarter = round_or_ref
    return ProgressReport.objects.filter(project=project_ref, year=year, quarter=quarter)


def _count(queryset: QuerySet):
    return Coalesce(Subquery(queryset.order_by().values("round").annotate(n=Count("pk")).values("n")), 0)


def round_list(user) -> QuerySet:
    """Rounds in the user's scope with their counts (of the checks the user may see), in one query."""
    mine = ProjectCheck.objects.filter(scope_q(user), round=OuterRef("pk"))
    findings = Finding.objects.filter(scope_q(user, "check_row__organization"), check_row__round=OuterRef("pk"))
    return (
        scoped_rounds(user)
        .select_related("organization")
        .annotate(
            n_checks=_count(mine),
            n_done=_count(mine.exclude(rating="")),
            n_open_findings=Coalesce(
                Subquery(
                    findings.filter(UNCONFIRMED)
                    .order_by()
                    .values("check_row__round")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("-year", "-quarter", "-id")
    )


@dataclass
class BranchRow:
    organization_id: int
    name: str
    projects: int = 0
    reports: int = 0
    done: int = 0
    open_findings: int = 0
    overdue_findings: int = 0

    @property
    def missing_reports(self) -> int:
        return self.projects - self.reports


@dataclass
class Dashboard:
    branches: list[BranchRow]
    ratings: list[tuple[str, str, int]]
    totals: BranchRow
    unrated: int = 0
    extra: dict = field(default_factory=dict)


def dashboard(round_: ReviewRound, user, *, today: dt.date | None = None) -> Dashboard:
    """Per-branch figures of one round (the checks in the user's scope): three aggregate queries."""
    today = today or timezone.localdate()
    checks = ProjectCheck.objects.filter(scope_q(user), round=round_)
    reported = Exists(_report_of((round_.year, round_.quarter), OuterRef("project_id")))
    rows = (
        checks.order_by()
        .values("organization_id", "organization__name", "organization__path")
        .annotate(
            projects=Count("pk"),
            reports=Count("pk", filter=reported),
            done=Count("pk", filter=~Q(rating="")),
        )
        .order_by("organization__path")
    )
    branches = {
        r["organization_id"]: BranchRow(
            organization_id=r["organization_id"],
            name=r["organization__name"],
            projects=r["projects"],
            reports=r["reports"],
            done=r["done"],
        )
        for r in rows
    }
    finding_rows = (
        Finding.objects.filter(scope_q(user, "check_row__organization"), check_row__round=round_)
        .order_by()
        .values("check_row__organization_id")
        .annotate(open=Count("pk", filter=UNCONFIRMED), overdue=Count("pk", filter=_overdue(today)))
    )
    for r in finding_rows:
        row = branches.get(r["check_row__organization_id"])
        if row is not None:
            row.open_findings = r["open"]
            row.overdue_findings = r["overdue"]
    rating_counts = dict(checks.order_by().values_list("rating").annotate(n=Count("pk")))
    ratings = [(value, label, rating_counts.get(value, 0)) for value, label in Rating.choices]
    totals = BranchRow(organization_id=0, name="")
    for row in branches.values():
        for name in ("projects", "reports", "done", "open_findings", "overdue_findings"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    return Dashboard(branches=list(branches.values()), ratings=ratings, totals=totals, unrated=rating_counts.get("", 0))


def branch_checks(round_: ReviewRound, organization, user) -> list[ProjectCheck]:
    """The checks of one branch in a round, each with ``round_reports`` (the quarter's report, if filed) and its
    findings: a fixed number of queries."""
    reports = ProgressReport.objects.filter(year=round_.year, quarter=round_.quarter)
    return list(
        scoped_checks(user)
        .filter(round=round_, organization=organization)
        .select_related("project__organization", "project__leader", "reviewer")
        .prefetch_related(
            Prefetch("project__reports", queryset=reports, to_attr="round_reports"),
            Prefetch("findings", queryset=Finding.objects.order_by("raised_at", "id")),
        )
        .order_by("project__number", "project__id")
    )


def branch_comment(round_: ReviewRound, organization) -> BranchComment | None:
    return BranchComment.objects.filter(round=round_, organization=organization).select_related("by").first()


def check_queryset(user) -> QuerySet:
    return scoped_checks(user).select_related(
        "round__organization", "project__organization", "project__leader", "organization", "reviewer"
    )


def check_context(check: ProjectCheck) -> dict:
    """The quarter's report (with its files), the items with their saved answers, the findings."""
    round_ = check.round
    report = (
        ProgressReport.objects.filter(project=check.project, year=round_.year, quarter=round_.quarter)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .first()
    )
    answers = {a.item_id: a for a in CheckAnswer.objects.filter(check_row=check)}
    items = list(round_.items.all())
    findings = list(
        check.findings.select_related("raised_by", "responded_by", "confirmed_by").order_by("raised_at", "id")
    )
    return {"report": report, "items": items, "answers": answers, "findings": findings}


def project_history(project) -> list[ProjectCheck]:
    """One project's checks across rounds, newest round first, with answers and findings."""
    return list(
        ProjectCheck.objects.filter(project=project)
        .select_related("round", "reviewer")
        .prefetch_related(
            Prefetch("answers", queryset=CheckAnswer.objects.select_related("item").order_by("item__order", "id")),
            Prefetch("findings", queryset=Finding.objects.order_by("raised_at", "id")),
        )
        .order_by("-round__year", "-round__quarter", "-round__id")
    )
