"""Review rounds in the portal (检查轮次, WORKFLOWS.md §2). Thin: parse, authorize, call a service or selector, render.

Authorization order: the role-level action first (403 and an audit row), then the round or check through the
user's scoped queryset (another branch's check is 404), then the object-level action.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.exceptions import ConflictError
from portal.permissions import can, require, scoped_organizations, scoped_projects, scoped_rounds
from portal.statistics import cache as stats_cache
from portal.statistics.cache import page_fragment, render_fragment

from . import round_selectors as selectors
from . import round_services as services
from .forms import apply_validation_error
from .models import Finding, FindingStatus, ProjectCheck, ReviewRound, RoundKind, RoundStatus
from .round_forms import (
    ACTIONS,
    BranchCommentForm,
    ChecklistForm,
    FindingAnswerForm,
    FindingForm,
    ItemFormSet,
    RoundForm,
    VersionForm,
    checklist_initial,
    item_initial,
)
from .workflow import TransitionError

PAGE_SIZE = 25
ITEMS_PREFIX = "items"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(getattr(exc, "message", exc))


def _round(request: HttpRequest, pk: int, role_action: str = "round.list") -> ReviewRound:
    require(request, role_action)
    return get_object_or_404(scoped_rounds(request.user).select_related("organization"), pk=pk)


def _check(request: HttpRequest, pk: int, role_action: str = "round.list") -> ProjectCheck:
    require(request, role_action)
    return get_object_or_404(selectors.check_queryset(request.user), pk=pk)


def _finding(request: HttpRequest, pk: int, role_action: str) -> Finding:
    require(request, role_action)
    checks = selectors.check_queryset(request.user)
    return get_object_or_404(
        Finding.objects.filter(check_row__in=checks).select_related(
            "check_row__round", "check_row__project__organization"
        ),
        pk=pk,
    )


# --- list and create ----------------------------------------------------------------------------------


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    require(request, "round.list")
    page = Paginator(selectors.round_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/rounds/list.html",
        {"page": page, "can_create": can(request.user, "round.manage", request.user.scope)},
    )


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    require(request, "round.manage_any")
    organization = request.user.scope
    require(request, "round.manage", organization)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.round_data()
        if ReviewRound.objects.filter(
            organization=organization, year=data["year"], quarter=data["quarter"], kind=data["kind"]
        ).exists():
            form.add_error(None, _("A round of this kind already exists for this quarter."))
        else:
            try:
                round_ = services.round_create(by=request.user, organization=organization, **data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except TransitionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("The round “%(title)s” has been created as a draft. Check its items, then open it.")
                    % {"title": round_.title},
                )
                return redirect("rounds:detail", pk=round_.pk)
    return render(request, "projects/rounds/form.html", {"form": form, "organization": organization})


# --- the dashboard ---------------------------------------------------------------------------------------


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    user = request.user
    manage = can(user, "round.manage", round_.organization)
    stamp = stats_cache.fingerprint()

    def build() -> str:
        context = {"round": round_, "dashboard": selectors.dashboard(round_, user), "items": list(round_.items.all())}
        return render_fragment("projects/rounds/_dashboard.html", context, request)

    # The branch table, ratings and checklist are the same for every user of one role and scope: cached under
    # the data's fingerprint (a rating, a report, a finding or a step of the round gives a new one).
    dashboard_html = page_fragment(
        "round-dashboard",
        round_.pk,
        round_.status,
        user.role,
        user.scope_id,
        timezone.localdate(),  # "overdue" findings are counted as of today
        get_language(),
        stamp,
        build=build,
    )
    return render(
        request,
        "projects/rounds/detail.html",
        {
            "round": round_,
            "dashboard_html": mark_safe(dashboard_html),  # noqa: S308 (rendered by the template engine)
            "can_manage": manage,
            "actions": services.available_round_actions(round_) if manage else [],
            "can_edit_items": manage and round_.status == RoundStatus.DRAFT,
        },
    )


@require_http_methods(["GET", "POST"])
def round_items(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, "round.manage_any")
    require(request, "round.manage", round_.organization)
    if round_.status != RoundStatus.DRAFT:
        messages.warning(request, _("The checklist can be changed only while the round is a draft."))
        return redirect("rounds:detail", pk=round_.pk)
    data = request.POST if request.method == "POST" else None
    formset = ItemFormSet(data, prefix=ITEMS_PREFIX, initial=item_initial(list(round_.items.all())))
    version = VersionForm(data, initial={"version": round_.version})
    conflict = False
    errors: list[str] = []
    if data is not None and formset.is_valid() and version.is_valid():
        items = [
            (f.cleaned_data.get("text", ""), f.cleaned_data.get("guidance", ""))
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.round_items_save(
                round_=round_, by=request.user, items=items, expected_version=version.cleaned_data["version"]
            )
        except ConflictError as exc:
            conflict = True
            errors.append(str(exc))
        except (ValidationError, TransitionError) as exc:
            errors.append(_error_text(exc))
        else:
            messages.success(request, _("The checklist has been saved."))
            return redirect("rounds:detail", pk=round_.pk)
    elif data is not None:
        errors += [str(e) for e in formset.non_form_errors()]
        if not version.is_valid():
            errors.append(_("The form is incomplete. Reload the page."))
    return render(
        request,
        "projects/rounds/items.html",
        {"round": round_, "formset": formset, "version": version, "errors": errors},
        status=409 if conflict else 200,
    )


@require_POST
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, "round.manage_any")
    require(request, "round.manage", round_.organization)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("rounds:detail", pk=round_.pk)
    try:
        done = services.round_transition(round_=round_, action=action, by=request.user)
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The round is now “%(status)s”.") % {"status": done.get_status_display()})
    return redirect("rounds:detail", pk=round_.pk)


@require_GET
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, "round.manage_any")
    require(request, "round.manage", round_.organization)
    try:
        from .round_export import round_workbook_response
    except ImportError:
        messages.warning(request, _("The Excel export is not available yet."))
        return redirect("rounds:detail", pk=round_.pk)
    return round_workbook_response(round_)


# --- the branch sheet ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def round_branch(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round_ = _round(request, pk, "round.manage_any" if request.method == "POST" else "round.list")
    organization = get_object_or_404(scoped_organizations(request.user), pk=org_pk)
    checks = selectors.branch_checks(round_, organization, request.user)
    if not checks:
        raise Http404(_("This branch has no project in the round."))
    half_year = round_.kind == RoundKind.HALF_YEAR
    may_comment = half_year and not round_.is_frozen and can(request.user, "round.manage", organization)
    comment = selectors.branch_comment(round_, organization) if half_year else None
    form = None
    if may_comment:
        form = BranchCommentForm(request.POST or None, initial={"text": comment.text if comment else ""})
    if request.method == "POST":
        require(request, "round.manage", organization)
        if form is None:
            messages.error(request, _("Written branch comments belong to open half-year rounds."))
            return redirect("rounds:branch", pk=round_.pk, org_pk=organization.pk)
        if form.is_valid():
            try:
                services.branch_comment_save(
                    round_=round_, organization=organization, by=request.user, text=form.cleaned_data["text"]
                )
            except (ValidationError, TransitionError) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("The comment on the branch has been saved."))
                return redirect("rounds:branch", pk=round_.pk, org_pk=organization.pk)
    user = request.user
    rows = [
        {
            "check": c,
            "report": c.project.round_reports[0] if c.project.round_reports else None,
            "can_report": can(user, "project.report", c.project),
            "open_findings": sum(1 for f in c.findings.all() if f.status != FindingStatus.CONFIRMED),
        }
        for c in checks
    ]
    return render(
        request,
        "projects/rounds/branch.html",
        {
            "round": round_,
            "organization": organization,
            "rows": rows,
            "half_year": half_year,
            "comment": comment,
            "form": form,
        },
    )


# --- the reviewer's page ------------------------------------------------------------------------------------


def _check_page(
    request: HttpRequest,
    check: ProjectCheck,
    *,
    form: ChecklistForm | None = None,
    finding_form: FindingForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = selectors.check_context(check)
    round_ = check.round
    frozen = round_.is_frozen
    may_review = not frozen and can(user, "round.review", check.project)
    may_fill = may_review and round_.status in (RoundStatus.OPEN, RoundStatus.REVIEWING) and context["items"]
    may_answer = not frozen and can(user, "round.answer", check.project)
    if may_fill and form is None:
        form = ChecklistForm(items=context["items"], initial=checklist_initial(check, context["answers"]))
    if may_review and finding_form is None:
        finding_form = FindingForm()
    findings = [
        {
            "finding": f,
            "answer_form": FindingAnswerForm(initial={"response": f.response})
            if may_answer and f.status != FindingStatus.CONFIRMED
            else None,
            "may_confirm": may_review and f.status == FindingStatus.ANSWERED,
        }
        for f in context["findings"]
    ]
    answered = [(item, context["answers"].get(item.pk)) for item in context["items"]]
    return render(
        request,
        "projects/rounds/check.html",
        {
            "check": check,
            "round": round_,
            "project": check.project,
            "report": context["report"],
            "answered": answered,
            "form": form if may_fill else None,
            "finding_form": finding_form if may_review else None,
            "findings": findings,
            "frozen": frozen,
            "conflict": conflict,
            "can_report": can(user, "project.report", check.project),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = _check(request, pk, "round.review_any" if request.method == "POST" else "round.list")
    if request.method == "GET":
        return _check_page(request, check)
    require(request, "round.review", check.project)
    if check.round.is_frozen:
        messages.error(request, _("This round is closed: nothing in it can be changed."))
        return redirect("rounds:check", pk=check.pk)
    form = ChecklistForm(request.POST, items=list(check.round.items.all()))
    if not form.is_valid():
        return _check_page(request, check, form=form)
    try:
        services.check_save(
            check=check,
            by=request.user,
            answers=form.answers(),
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return _check_page(request, check, form=form, conflict=True, status=409)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _check_page(request, check, form=form)
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("rounds:check", pk=check.pk)
    messages.success(request, _("The checklist of “%(title)s” has been saved.") % {"title": check.project.title})
    return redirect("rounds:check", pk=check.pk)


@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    check = _check(request, pk, "round.review_any")
    require(request, "round.review", check.project)
    if check.round.is_frozen:
        messages.error(request, _("This round is closed: nothing in it can be changed."))
        return redirect("rounds:check", pk=check.pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        return _check_page(request, check, finding_form=form)
    try:
        services.finding_raise(
            check=check, by=request.user, text=form.cleaned_data["text"], deadline=form.cleaned_data["deadline"]
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _check_page(request, check, finding_form=form)
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The finding has been sent to the branch."))
    return redirect("rounds:check", pk=check.pk)


@require_POST
def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk, "round.answer_any")
    require(request, "round.answer", finding.check_row.project)
    form = FindingAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the rectification."))
    else:
        try:
            services.finding_answer(finding=finding, by=request.user, response=form.cleaned_data["response"])
        except (ValidationError, TransitionError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The rectification has been reported to the reviewer."))
    return redirect("rounds:check", pk=finding.check_row_id)


CONFIRM_ACTIONS = {"confirm": True, "reopen": False}


@require_POST
def finding_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk, "round.review_any")
    require(request, "round.review", finding.check_row.project)
    action = request.POST.get("action", "")
    if action not in CONFIRM_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("rounds:check", pk=finding.check_row_id)
    try:
        services.finding_confirm(finding=finding, by=request.user, confirm=CONFIRM_ACTIONS[action])
    except (ValidationError, TransitionError) as exc:
        messages.error(request, _error_text(exc))
    else:
        if CONFIRM_ACTIONS[action]:
            messages.success(request, _("The rectification has been confirmed."))
        else:
            messages.success(request, _("The finding has been reopened; the branch has been asked again."))
    return redirect("rounds:check", pk=finding.check_row_id)


# --- one project across rounds ---------------------------------------------------------------------------


@require_GET
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "project.list")
    project = get_object_or_404(scoped_projects(request.user).select_related("organization"), pk=pk)
    require(request, "project.view", project)
    return render(
        request,
        "projects/rounds/history.html",
        {"project": project, "checks": selectors.project_history(project)},
    )
