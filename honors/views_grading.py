"""Branch grading (分类定级), staff appraisal (群众评议) and liaison points (联系点), WORKFLOWS.md §5.

Roster readers see the yearly overview of the branches in their scope; the committee office records
grades, appraisal tallies and liaison points. Role-level check first (403, audited), then the branch
through the user's scope (404), then the object-level check.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Organization, OrgKind
from portal.permissions import can, require, scope_q, scoped_grades, scoped_organizations

from . import selectors, services
from .forms_honors import (
    GRADING_FIRST_YEAR,
    AppraisalForm,
    GradeForm,
    LiaisonEndForm,
    LiaisonForm,
    grading_organizations,
)
from .models import Appraisal, BranchGrade, BuildingTitle, Liaison
from .views_honors import _require_role, apply_errors
from .workflow import TransitionError

PAGE_SIZE = 50
GRADE_ACTIONS = ("grade", "appraisal")


def default_year() -> int:
    """Grading is done at the start of a year for the year before."""
    return timezone.localdate().year - 1


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return default_year()
    return year if GRADING_FIRST_YEAR <= year <= 2100 else default_year()


def _year_choices(years) -> list[int]:
    this_year = timezone.localdate().year
    return sorted({*years, this_year, this_year - 1}, reverse=True)


def record_years(record: dict) -> list[dict]:
    """A branch's grades and branch appraisals (not its posts') side by side per year, newest first."""
    rows: dict[int, dict] = {}
    for grade in record["grades"]:
        rows.setdefault(grade.year, {"year": grade.year, "grade": None, "appraisal": None})["grade"] = grade
    for appraisal in record["appraisals"]:
        if appraisal.post_id is None:
            row = rows.setdefault(appraisal.year, {"year": appraisal.year, "grade": None, "appraisal": None})
            row["appraisal"] = appraisal
    return sorted(rows.values(), key=lambda row: row["year"], reverse=True)


def _edit_url(org: Organization, year: int) -> str:
    return f"{reverse('honors:grade_edit', args=[org.pk])}?year={year}"


# --- the overview -------------------------------------------------------------------------------------------


def grading_summary(user, year: int) -> dict:
    """Branches per grade and per building title for a year (one grouped query)."""
    rows = (
        scoped_grades(user)
        .filter(
            year=year,
            organization__is_active=True,
            organization__kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH],
        )
        .values("grade__code", "grade__order", "building_title")
        .annotate(n=Count("pk"))
        .order_by("grade__order", "grade__code", "building_title")
    )
    by_grade: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for row in rows:
        by_grade[row["grade__code"]] = by_grade.get(row["grade__code"], 0) + row["n"]
        if row["building_title"]:
            by_title[row["building_title"]] = by_title.get(row["building_title"], 0) + row["n"]
    return {
        "by_grade": list(by_grade.items()),
        "by_title": [(label, by_title[value]) for value, label in BuildingTitle.choices if value in by_title],
        "graded": sum(by_grade.values()),
    }


@require_GET
def grade_list(request: HttpRequest) -> HttpResponse:
    require(request, "grade.list")
    user = request.user
    year = _year(request.GET.get("year"))
    overview = selectors.grading_overview(scoped_organizations(user), year)
    page = Paginator(overview, PAGE_SIZE).get_page(request.GET.get("page"))
    for org in page.object_list:
        org.can_edit = can(user, "grade.manage", org)
        # select_related through a FilteredRelation sets nothing when no row matched
        org.year_grade = getattr(org, "year_grade", None)
        org.year_appraisal = getattr(org, "year_appraisal", None)
    years = scoped_grades(user).order_by().values_list("year", flat=True).distinct()
    return render(
        request,
        "honors/grading/list.html",
        {
            "page": page,
            "year": year,
            "years": _year_choices(years),
            "summary": grading_summary(user, year),
            "can_manage": can(user, "grade.manage_any"),
        },
    )


# --- one branch: grade, appraisal, liaisons, history ----------------------------------------------------------------


def _graded_org(request: HttpRequest, pk: int) -> Organization:
    _require_role(request, "grade.manage_any", "grade.manage")
    org = get_object_or_404(grading_organizations(request.user), pk=pk)
    require(request, "grade.manage", org)
    return org


@require_http_methods(["GET", "POST"])
def grade_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _graded_org(request, pk)
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in GRADE_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect(_edit_url(org, _year(request.GET.get("year"))))
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    grade = BranchGrade.objects.filter(organization=org, year=year).select_related("grade").first()
    appraisal = Appraisal.objects.filter(organization=org, year=year, post__isnull=True).first()
    grade_initial = {"year": year}
    if grade is not None:
        grade_initial.update(grade=grade.grade_id, building_title=grade.building_title, comments=grade.comments)
    appraisal_initial = {"year": year}
    if appraisal is not None:
        appraisal_initial.update(
            raters=appraisal.raters,
            satisfied=appraisal.satisfied,
            basically_satisfied=appraisal.basically_satisfied,
            dissatisfied=appraisal.dissatisfied,
        )
    grade_form = GradeForm(request.POST if action == "grade" else None, initial=grade_initial, prefix="grade")
    appraisal_form = AppraisalForm(
        request.POST if action == "appraisal" else None, initial=appraisal_initial, prefix="appraisal"
    )
    bound = grade_form if action == "grade" else appraisal_form if action == "appraisal" else None
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "grade":
                services.grade_record(
                    by=user,
                    organization=org,
                    year=data["year"],
                    grade=data["grade"],
                    building_title=data["building_title"],
                    comments=data["comments"],
                )
                done = _("The %(year)s grade of %(name)s has been recorded.")
            else:
                services.appraisal_record(
                    by=user,
                    organization=org,
                    year=data["year"],
                    raters=data["raters"],
                    satisfied=data["satisfied"],
                    basically_satisfied=data["basically_satisfied"],
                    dissatisfied=data["dissatisfied"],
                )
                done = _("The %(year)s appraisal of %(name)s has been recorded.")
        except ValidationError as exc:
            apply_errors(bound, exc)
        except TransitionError as exc:
            bound.add_error(None, exc.message)
        else:
            messages.success(request, done % {"year": data["year"], "name": org.name})
            return redirect(_edit_url(org, data["year"]))
    elif bound is not None and "year" in bound.errors:
        for message in bound.errors.pop("year"):
            bound.add_error(None, message)
    history = (
        BranchGrade.history.filter(organization_id=org.pk)
        .select_related("grade", "history_user")
        .order_by("-history_date", "-history_id")[:100]
    )
    record = selectors.branch_record(org)
    record["years"] = record_years(record)
    today = timezone.localdate()
    return render(
        request,
        "honors/grading/edit.html",
        {
            "org": org,
            "year": year,
            "years": _year_choices(g.year for g in record["grades"]),
            "future_year": year > today.year,
            "grade": grade,
            "appraisal": appraisal,
            "grade_form": grade_form,
            "appraisal_form": appraisal_form,
            "record": record,
            "history": list(history),
            "end_form": LiaisonEndForm(initial={"until": today}),
        },
        status=400 if bound is not None and bound.errors else 200,
    )


# --- liaison points ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def liaison_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _graded_org(request, pk)
    user = request.user
    search = (request.GET.get("q") or "").strip()[:50] if request.method == "GET" else ""
    form = LiaisonForm(request.POST or None, user=user, search=search)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            liaison = services.liaison_assign(
                by=user, organization=org, member=data["member"], since=data["since"], note=data["note"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(person)s now follows %(branch)s.") % {"person": liaison.member.name, "branch": org.name},
            )
            return redirect("honors:grade_edit", pk=org.pk)
    return render(
        request,
        "honors/grading/liaison_form.html",
        {"org": org, "form": form, "q": search, "year": default_year()},
        status=400 if form.errors else 200,
    )


@require_POST
def liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request, "grade.manage_any", "grade.manage")
    user = request.user
    liaison = get_object_or_404(Liaison.objects.filter(scope_q(user)).select_related("organization", "member"), pk=pk)
    org = liaison.organization
    require(request, "grade.manage", org)
    form = LiaisonEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("until", [_("Enter a valid date.")])))
    else:
        try:
            services.liaison_end(liaison=liaison, by=user, until=form.cleaned_data["until"])
        except ValidationError as exc:
            messages.error(request, " ".join(str(m) for m in exc.messages))
        except TransitionError as exc:
            messages.warning(request, exc.message)
        else:
            messages.success(
                request,
                _("%(person)s no longer follows %(branch)s.") % {"person": liaison.member.name, "branch": org.name},
            )
    return redirect("honors:grade_edit", pk=org.pk)
