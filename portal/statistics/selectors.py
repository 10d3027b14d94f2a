"""The statistics of the innovation programme (issue 6), computed in the database.

``compute(scope_path, year, today=...)`` returns plain numbers and names (a picklable dict that the cache
keeps); every figure is one aggregate or grouped query — no Python loop over rows. ``tables(figures)``
turns them into the rows that the page, its charts and the Excel export all show, so the three agree.

Definitions (shown on the page next to each figure, see ``DEFINITIONS``):

* *filed* project: a project of the year (``Project.year``) in any status but draft (rejected ones were
  filed too);
* *taking part*: leading (``Project.leader``) or being on the team (``TeamMember``) of a project of the
  year that was approved: approved, in progress, completion review, completed, evaluated — and terminated,
  since a terminated project was approved and its team worked on it;
* *in scope*: an organization in the chosen subtree (``path`` prefix); a person belongs to the scope of
  his or her organization (a party group counts under its branch).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import LeaderLevel, Member, Organization, OrgKind, PartyStatus
from honors.models import Nomination, NominationStatus
from projects.models import Category, Finding, ProgressReport, Project, Result, ResultType, Status, TeamMember
from projects.round_models import FindingStatus

TREND_YEARS = 5
CHART_BRANCHES = 20

# Projects that count for participation: approved at some point (see the module docstring).
APPROVED_OR_LATER = (
    Status.APPROVED,
    Status.IN_PROGRESS,
    Status.COMPLETION_REVIEW,
    Status.COMPLETED,
    Status.EVALUATED,
    Status.TERMINATED,
)
COMPLETED_STATUSES = (Status.COMPLETED, Status.EVALUATED)
# Statuses shown in the "by status" table, in workflow order (drafts are not filed).
FILED_STATUSES = [s for s in Status if s != Status.DRAFT]
PARTY = (PartyStatus.FULL, PartyStatus.PROBATIONARY)
LEADERS = (LeaderLevel.COMPANY, LeaderLevel.DEPARTMENT)

DEFINITIONS = {
    "coverage": _(
        "Active party branches in the scope with at least one project of the year filed (submitted, in any "
        "later status, rejected included), divided by all active party branches in the scope."
    ),
    "party": _(
        "Active, on-duty Party members (full and probationary) in the scope who lead or are on the team of a "
        "project of the year that was approved (approved, in progress, completion review, completed, evaluated "
        "or terminated), divided by all active, on-duty Party members in the scope."
    ),
    "leaders": _(
        "The same for company- and department-level leaders (any party status): on-duty leaders taking part "
        "divided by all active, on-duty leaders in the scope."
    ),
    "non_party": _(
        "Active non-party staff in the scope who lead or are on the team of an approved project of the year "
        "(a number, not a rate)."
    ),
    "categories": _("Projects of the year filed in the scope (drafts excluded), per category; share of all filed."),
    "statuses": _("Projects of the year filed in the scope, per current status; share of all filed."),
    "branches": _(
        "Per active party branch in the scope: projects of the year filed, approved (or later, terminated "
        "included) and completed (completed or evaluated)."
    ),
    "trend": _(
        "Projects filed in the scope per year over five years, and the value created (10k CNY) by results "
        "dated in that year."
    ),
    "value": _(
        "Sum of the values (10k CNY) of results whose type carries a value (节创价值), dated in the year, of "
        "projects in the scope."
    ),
    "result_types": _("Results dated in the year of projects in the scope, per result type, with their value."),
    "without_branch_led": _(
        "Active party branches in the scope without a branch-led action (党组织引领行动) of the year: no "
        "project marked branch-led, filed and not rejected."
    ),
    "campaigns": _(
        "Campaigns of the year: nominations from branches in the scope (withdrawn ones excluded) and those "
        "selected as winners."
    ),
    "reports_due": _(
        "As of today: projects in progress in the scope without a progress report for the current quarter "
        "(as on the secretaries' workbench)."
    ),
    "findings": _(
        "As of today: review-round findings on projects in the scope not yet confirmed — open (awaiting "
        "rectification) and answered (rectification reported, awaiting confirmation)."
    ),
}


def _in(scope_path: str | None, field: str = "organization") -> Q:
    if not scope_path:
        return Q()
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": scope_path})


def _rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal (a Decimal: the page and the workbook show the same digits)."""
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def compute(scope_path: str | None, year: int, *, today: dt.date | None = None) -> dict[str, Any]:
    """Every figure for the scope (an organization's ``path``; None: the whole company) and the year."""
    today = today or timezone.localdate()
    branches = Organization.objects.filter(_in(scope_path, ""), kind=OrgKind.BRANCH, is_active=True)
    filed = Project.objects.filter(_in(scope_path), year=year).exclude(status=Status.DRAFT)

    filed_here = Project.objects.filter(organization=OuterRef("pk"), year=year).exclude(status=Status.DRAFT)
    led_here = filed_here.filter(is_branch_led=True).exclude(status=Status.REJECTED)
    coverage = branches.annotate(has_filed=Exists(filed_here)).aggregate(
        branches=Count("pk"), filed=Count("pk", filter=Q(has_filed=True))
    )
    without_branch_led = list(branches.filter(~Exists(led_here)).order_by("path").values_list("name", flat=True))

    approved = {"year": year, "status__in": APPROVED_OR_LATER}
    members = Member.objects.filter(_in(scope_path), is_active=True).annotate(
        leads=Exists(Project.objects.filter(leader=OuterRef("pk"), **approved)),
        teamed=Exists(
            TeamMember.objects.filter(member=OuterRef("pk"), **{f"project__{k}": v for k, v in approved.items()})
        ),
    )
    took_part = Q(leads=True) | Q(teamed=True)
    party = Q(party_status__in=PARTY, on_duty=True)
    leaders = Q(leader_level__in=LEADERS, on_duty=True)
    participation = members.aggregate(
        party_total=Count("pk", filter=party),
        party_in=Count("pk", filter=party & took_part),
        leaders_total=Count("pk", filter=leaders),
        leaders_in=Count("pk", filter=leaders & took_part),
        non_party_in=Count("pk", filter=Q(party_status=PartyStatus.NONE) & took_part),
    )

    in_category = Q(project__year=year) & ~Q(project__status=Status.DRAFT) & _in(scope_path, "project__organization")
    categories = list(
        Category.objects.annotate(n=Count("project", filter=in_category))
        .filter(Q(is_active=True) | Q(n__gt=0))
        .order_by("order", "name")
        .values_list("name", "n")
    )
    by_status = dict(filed.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    statuses = [(str(s.value), by_status.get(s.value, 0)) for s in FILED_STATUSES]

    in_branch = Q(projects__year=year) & ~Q(projects__status=Status.DRAFT)
    per_branch = list(
        branches.annotate(
            filed=Count("projects", filter=in_branch),
            approved=Count("projects", filter=in_branch & Q(projects__status__in=APPROVED_OR_LATER)),
            completed=Count("projects", filter=in_branch & Q(projects__status__in=COMPLETED_STATUSES)),
        )
        .order_by("path")
        .values_list("name", "filed", "approved", "completed")
    )

    first = year - TREND_YEARS + 1
    projects_per_year = dict(
        Project.objects.filter(_in(scope_path), year__gte=first, year__lte=year)
        .exclude(status=Status.DRAFT)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    results = Result.objects.filter(_in(scope_path, "project__organization"))
    value_per_year = dict(
        results.filter(result_type__carries_value=True, achieved_on__year__gte=first, achieved_on__year__lte=year)
        .annotate(y=ExtractYear("achieved_on"))
        .order_by()
        .values("y")
        .annotate(v=Sum("value"))
        .values_list("y", "v")
    )
    trend = [(y, projects_per_year.get(y, 0), value_per_year.get(y) or Decimal("0")) for y in range(first, year + 1)]

    in_year = Q(result__achieved_on__year=year) & _in(scope_path, "result__project__organization")
    result_types = list(
        ResultType.objects.annotate(
            n=Count("result", filter=in_year),
            v=Coalesce(Sum("result__value", filter=in_year), Decimal("0")),
        )
        .filter(Q(is_active=True) | Q(n__gt=0))
        .order_by("order", "name")
        .values_list("name", "carries_value", "n", "v")
    )
    value_total = sum((v for _name, carries, _n, v in result_types if carries), Decimal("0"))

    campaigns = list(
        Nomination.objects.filter(_in(scope_path), offer__campaign__year=year)
        .exclude(status=NominationStatus.WITHDRAWN)
        .order_by()
        .values("offer__campaign")
        .annotate(nominated=Count("pk"), awarded=Count("pk", filter=Q(status=NominationStatus.WINNER)))
        .order_by("offer__campaign__nomination_opens_on", "offer__campaign")
        .values_list("offer__campaign__name", "nominated", "awarded")
    )

    quarter = (today.month - 1) // 3 + 1
    reported = ProgressReport.objects.filter(project=OuterRef("pk"), year=today.year, quarter=quarter)
    reports_due = Project.objects.filter(_in(scope_path), status=Status.IN_PROGRESS).filter(~Exists(reported)).count()
    findings = Finding.objects.filter(_in(scope_path, "check_row__organization")).aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
        answered=Count("pk", filter=Q(status=FindingStatus.ANSWERED)),
    )

    return {
        "year": year,
        "today": today,
        "coverage": coverage,
        "participation": participation,
        "categories": categories,
        "statuses": statuses,
        "branches": per_branch,
        "trend": trend,
        "result_types": [(name, n, v) for name, _carries, n, v in result_types],
        "value_total": value_total,
        "without_branch_led": without_branch_led,
        "campaigns": campaigns,
        "reports_due": reports_due,
        "findings": findings,
    }


# --- presentation: the tables that the page, the charts and the export share ------------------


def summary(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline figures: rates with their parts, and the counts."""
    cov, part, find = figures["coverage"], figures["participation"], figures["findings"]
    return [
        {
            "key": "coverage",
            "label": _("Branches with a project filed"),
            "part": cov["filed"],
            "whole": cov["branches"],
            "rate": _rate(cov["filed"], cov["branches"]),
            "definition": DEFINITIONS["coverage"],
        },
        {
            "key": "party",
            "label": _("On-duty Party members taking part"),
            "part": part["party_in"],
            "whole": part["party_total"],
            "rate": _rate(part["party_in"], part["party_total"]),
            "definition": DEFINITIONS["party"],
        },
        {
            "key": "leaders",
            "label": _("On-duty leaders taking part"),
            "part": part["leaders_in"],
            "whole": part["leaders_total"],
            "rate": _rate(part["leaders_in"], part["leaders_total"]),
            "definition": DEFINITIONS["leaders"],
        },
        {
            "key": "non_party",
            "label": _("Non-party staff taking part"),
            "part": part["non_party_in"],
            "definition": DEFINITIONS["non_party"],
        },
        {
            "key": "value",
            "label": _("Value created (10k CNY)"),
            "part": _money(figures["value_total"]),
            "definition": DEFINITIONS["value"],
        },
        {
            "key": "without_branch_led",
            "label": _("Branches without a branch-led action"),
            "part": len(figures["without_branch_led"]),
            "definition": DEFINITIONS["without_branch_led"],
            "internal": True,
        },
        {
            "key": "reports_due",
            "label": _("Progress reports due this quarter"),
            "part": figures["reports_due"],
            "definition": DEFINITIONS["reports_due"],
            "internal": True,
        },
        {
            "key": "findings",
            "label": _("Open findings (open / answered)"),
            "part": find["open"],
            "whole": find["answered"],
            "definition": DEFINITIONS["findings"],
            "internal": True,
        },
    ]


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _shares(rows: list[tuple[str, int]]) -> list[list[Any]]:
    total = sum(n for _label, n in rows)
    return [[label, n, _rate(n, total)] for label, n in rows]


def tables(figures: dict[str, Any], *, public: bool = False) -> list[dict[str, Any]]:
    """Every table with its title, definition, headers, rows and chart (kind, label column, value column).

    ``public``: the tables shown to visitors (no per-branch or internal figures).
    """
    status_labels = dict(Status.choices)
    share = _("Share (%)")
    result = [
        {
            "key": "categories",
            "title": _("Projects by category"),
            "definition": DEFINITIONS["categories"],
            "headers": [_("Category"), _("Projects"), share],
            "rows": _shares(figures["categories"]),
            "chart": "pie",
        },
        {
            "key": "statuses",
            "title": _("Projects by status"),
            "definition": DEFINITIONS["statuses"],
            "headers": [_("Status"), _("Projects"), share],
            "rows": _shares([(str(status_labels[code]), n) for code, n in figures["statuses"]]),
            "chart": "bar",
            "internal": True,
        },
        {
            "key": "trend",
            "title": _("Projects and value by year"),
            "definition": DEFINITIONS["trend"],
            "headers": [_("Year"), _("Projects"), _("Value (10k CNY)")],
            "rows": [[str(y), n, _money(v)] for y, n, v in figures["trend"]],
            "chart": "line",
        },
        {
            "key": "result_types",
            "title": _("Results by type"),
            "definition": DEFINITIONS["result_types"],
            "headers": [_("Result type"), _("Results"), _("Value (10k CNY)")],
            "rows": [[name, n, _money(v)] for name, n, v in figures["result_types"]],
            "chart": "bar",
        },
        {
            "key": "branches",
            "title": _("Projects by branch"),
            "definition": DEFINITIONS["branches"],
            "headers": [_("Branch"), _("Filed"), _("Approved"), _("Completed")],
            "rows": [list(row) for row in figures["branches"]],
            "chart": "bar",
            "internal": True,
        },
        {
            "key": "campaigns",
            "title": _("Nominated and awarded per campaign"),
            "definition": DEFINITIONS["campaigns"],
            "headers": [_("Campaign"), _("Nominated"), _("Awarded"), _("Awarded (%)")],
            "rows": [[name, n, a, _rate(a, n)] for name, n, a in figures["campaigns"]],
            "chart": "bar",
            "internal": True,
        },
        {
            "key": "without_branch_led",
            "title": _("Branches without a branch-led action"),
            "definition": DEFINITIONS["without_branch_led"],
            "headers": [_("Branch")],
            "rows": [[name] for name in figures["without_branch_led"]],
            "chart": "",
            "internal": True,
        },
    ]
    if public:
        result = [t for t in result if not t.get("internal")]
    return result


def chart_data(table: dict[str, Any]) -> dict[str, Any]:
    """What statistics.js draws: labels (first column) and one or two numeric series."""
    rows = table["rows"]
    if table["key"] == "branches":  # the 20 branches with the most projects; the table lists them all
        rows = sorted(rows, key=lambda row: -row[1])[:CHART_BRANCHES]
    series_columns = [1, 2] if table["key"] in ("trend", "campaigns") else [1]
    if table["key"] == "branches":
        series_columns = [1, 2, 3]
    return {
        "kind": table["chart"],
        "labels": [str(row[0]) for row in rows],
        "series": [
            {"label": str(table["headers"][c]), "data": [float(row[c] or 0) for row in rows]} for c in series_columns
        ],
    }
