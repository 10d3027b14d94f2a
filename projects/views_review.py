"""Reviewer and committee side of innovation projects: queue, decisions, publicity, evaluation.

Thin views: parse, authorize, call a service, render. Authorization order everywhere: the role-level
action first (403 and an audit row), then the object through ``scoped_projects`` (another scope's id
is 404), then the object-level action (403). State problems are the services' to refuse: their
message is shown, never a 500, so a double-submitted form only tells the user it is already done.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.permissions import require, scoped_projects

from . import selectors_review as selectors
from . import services
from .forms_review import (
    ApplicationDecisionForm,
    DecisionForm,
    EvaluationForm,
    ExtensionDecisionForm,
    ObjectionForm,
    ObjectionResolveForm,
    TerminateForm,
    apply_validation_error,
)
from .models import (
    Attachment,
    Extension,
    ExtensionStatus,
    FindingStatus,
    Grade,
    Objection,
    ObjectionStatus,
    ProgrammeSettings,
    Project,
    ProjectCheck,
    RubricItem,
    Status,
    TeamMember,
)
from .workflow import TRANSITIONS, TransitionError, available_actions

PAGE_SIZE = 50

# The actions each POST handler may dispatch (anything else is an invalid choice of its form).
DECIDE_ACTIONS = ("approve", "return", "reject")
COMPLETION_ACTIONS = ("accept", "return_completion")
TERMINABLE = (Status.APPROVED, Status.IN_PROGRESS)


# --- helpers ---------------------------------------------------------------------------------------


def _project(request: HttpRequest, pk: int, role_action: str, object_action: str) -> Project:
    require(request, role_action)
    project = get_object_or_404(
        scoped_projects(request.user).select_related("organization", "leader", "category", "topic_source"), pk=pk
    )
    require(request, object_action, project)
    return project


def _open_actions(project: Project, user, allowed: tuple[str, ...]) -> list:
    """The allow-listed transitions this role may take now, in the allow-list's order."""
    open_now = {t.action: t for t in available_actions(project.status, user.role)}
    return [open_now[name] for name in allowed if name in open_now]


def _to_detail(project: Project) -> HttpResponse:
    return redirect("projects:detail", pk=project.pk)


def _not_now(request: HttpRequest, project: Project, what: str) -> HttpResponse:
    messages.info(
        request,
        _("This project is “%(status)s”: %(what)s is not possible now (perhaps someone already did it).")
        % {"status": project.get_status_display(), "what": what},
    )
    return _to_detail(project)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _queue_url(tab: str) -> str:
    return f"{reverse('projects:review_queue')}?tab={tab}"


def _summary_context(project: Project) -> dict:
    team = TeamMember.objects.filter(project=project).select_related("member__organization")
    return {
        "project": project,
        "team": list(team),
        "expected_types": list(project.expected_result_types.all()),
        "timeline": [(step, _action_label(step.action)) for step in project.transitions.select_related("by")],
    }


EXTRA_LABELS = {
    "report": _lazy("Progress report filed"),
    "objection_resolved": _lazy("Objection resolved"),
    "extension_approved": _lazy("Extension approved"),
    "extension_refused": _lazy("Extension refused"),
}


def _action_label(action: str) -> str:
    transition = TRANSITIONS.get(action)
    return str(transition.label if transition else EXTRA_LABELS.get(action, action))


# --- the queue -----------------------------------------------------------------------------------------


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    require(request, "project.review_queue")
    user = request.user
    tabs = selectors.queue_tabs(user)
    tab = request.GET.get("tab") or tabs[0]
    if tab not in tabs:
        tab = tabs[0]
    counts = selectors.queue_counts(user)
    page = Paginator(selectors.queue_rows(user, tab), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {
        "applications": _("Applications"),
        "completions": _("Completion requests"),
        "evaluations": _("To evaluate"),
        "objections": _("Open objections"),
        "extensions": _("Extension requests"),
    }
    return render(
        request,
        "projects/review/queue.html",
        {
            "tab": tab,
            "tabs": [(name, labels[name], counts.get(name, 0)) for name in tabs],
            "page": page,
            "objections_url": _queue_url("objections"),
        },
    )


# --- application: approve / return / reject ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.review_queue", "project.review")
    user = request.user
    actions = _open_actions(project, user, DECIDE_ACTIONS)
    if not actions:
        return _not_now(request, project, _("a decision on the application"))
    form = ApplicationDecisionForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        comment = form.cleaned_data["comment"]
        try:
            if action == "approve":
                project = services.project_approve(project=project, by=user, comment=comment, meeting=form.meeting())
            else:
                project = services.project_transition(project=project, action=action, by=user, comment=comment)
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("projects:decide", pk=project.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if action == "approve":
                messages.success(
                    request,
                    _("“%(title)s” is approved as %(number)s and in publicity until %(date)s.")
                    % {"title": project.title, "number": project.number, "date": project.publicity_ends_on},
                )
            elif action == "return":
                messages.success(request, _("“%(title)s” is returned to the branch.") % {"title": project.title})
            else:
                messages.success(request, _("“%(title)s” is rejected.") % {"title": project.title})
            return redirect(_queue_url("applications"))
    return render(request, "projects/review/decide.html", {**_summary_context(project), "form": form})


# --- completion: accept / return ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def completion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.review_queue", "project.review")
    user = request.user
    actions = _open_actions(project, user, COMPLETION_ACTIONS)
    if not actions:
        return _not_now(request, project, _("a decision on completion"))
    form = DecisionForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            project = services.project_transition(
                project=project, action=action, by=user, comment=form.cleaned_data["comment"]
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("projects:completion_decide", pk=project.pk)
        if action == "accept":
            messages.success(request, _("Completion of “%(title)s” is accepted.") % {"title": project.title})
        else:
            messages.success(
                request, _("The completion request of “%(title)s” is returned.") % {"title": project.title}
            )
        return redirect(_queue_url("completions"))
    results = list(project.results.select_related("result_type").prefetch_related("evidence"))
    return render(
        request,
        "projects/review/completion_decide.html",
        {
            **_summary_context(project),
            "form": form,
            "results": results,
            "total_value": sum((r.value for r in results), start=Decimal("0")),
            "final_report": project.reports.filter(is_final=True).first(),
            "reports": list(project.reports.all()),
            "attachments": list(Attachment.objects.filter(project=project, is_active=True)),
        },
    )


# --- evaluation ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.review_queue", "project.evaluate")
    if project.status != Status.COMPLETED:
        return _not_now(request, project, _("an evaluation"))
    items = list(RubricItem.objects.filter(is_active=True))
    form = EvaluationForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.project_evaluate(
                project=project, by=request.user, scores=form.scores(), comments=form.cleaned_data["comments"]
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
            return _to_detail(project)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is evaluated: %(total)s points, %(grade)s.")
                % {"title": project.title, "total": evaluation.total, "grade": evaluation.get_grade_display()},
            )
            return _to_detail(project)
    settings = ProgrammeSettings.load()
    return render(
        request,
        "projects/review/evaluate.html",
        {
            "project": project,
            "form": form,
            "score_fields": [form[f"score_{item.pk}"] for item in items],
            "full_mark": sum((item.max_score for item in items), start=Decimal("0")),
            "settings": settings,
            "grade_labels": dict(Grade.choices),
            "results": list(project.results.select_related("result_type")),
            # The review rounds' results (检查轮次) for the annual evaluation: one query.
            "round_checks": list(
                ProjectCheck.objects.filter(project=project)
                .select_related("round")
                .annotate(
                    open_findings=Count(
                        "findings", filter=Q(findings__status__in=[FindingStatus.OPEN, FindingStatus.ANSWERED])
                    )
                )
                .order_by("-round__year", "-round__quarter", "-round__id")
            ),
        },
    )


# --- publicity and objections ------------------------------------------------------------------------------


@require_GET
def publicity(request: HttpRequest) -> HttpResponse:
    require(request, "project.list")
    services.projects_start_due()  # the lazy check: publicity over and no open objection → in progress
    user = request.user
    page = Paginator(selectors.publicity_projects(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/review/publicity.html",
        {"page": page, "rows": selectors.publicity_rows(user, page.object_list)},
    )


@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "project.list")
    project = get_object_or_404(scoped_projects(request.user).select_related("organization", "leader"), pk=pk)
    if project.status != Status.APPROVED:
        messages.error(request, _("Objections can be raised only while the project is in publicity."))
        return redirect("projects:publicity")
    require(request, "project.object", project)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_lodge(project=project, by=request.user, text=form.cleaned_data["text"])
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("projects:publicity")
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your objection to “%(title)s” is recorded. The committee office will resolve it before the project starts."
                )
                % {"title": project.title},
            )
            return redirect("projects:publicity")
    return render(request, "projects/review/objection_form.html", {"project": project, "form": form})


@require_http_methods(["GET", "POST"])
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "project.committee")
    objection = get_object_or_404(
        Objection.objects.filter(project__in=scoped_projects(request.user)).select_related(
            "project__organization", "project__leader", "raised_by"
        ),
        pk=pk,
    )
    project = objection.project
    require(request, "project.resolve_objection", project)
    back = _safe_next(request, reverse("projects:publicity"))
    if objection.status != ObjectionStatus.OPEN:
        messages.info(request, _("This objection has already been resolved."))
        return redirect(back)
    form = ObjectionResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        upheld = form.cleaned_data["decision"] == ObjectionStatus.UPHELD
        try:
            services.objection_resolve(
                objection=objection, by=request.user, upheld=upheld, resolution=form.cleaned_data["resolution"]
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if upheld:
                messages.warning(
                    request,
                    _("The objection to “%(title)s” is upheld. If the project should not go ahead, terminate it.")
                    % {"title": project.title},
                )
            else:
                messages.success(request, _("The objection to “%(title)s” is dismissed.") % {"title": project.title})
            return redirect(back)
    return render(
        request,
        "projects/review/objection_resolve.html",
        {"objection": objection, "project": project, "form": form, "next": back},
    )


# --- termination and extensions ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.committee", "project.terminate")
    if project.status not in TERMINABLE:
        return _not_now(request, project, _("termination"))
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_terminate(project=project, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionError as exc:
            messages.error(request, exc.message)
            return _to_detail(project)
        messages.success(request, _("“%(title)s” is terminated.") % {"title": project.title})
        return _to_detail(project)
    objections = list(project.objections.exclude(status=ObjectionStatus.OPEN).select_related("resolved_by"))
    return render(
        request, "projects/review/terminate.html", {"project": project, "form": form, "objections": objections}
    )


@require_http_methods(["GET", "POST"])
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "project.committee")
    extension = get_object_or_404(
        Extension.objects.filter(project__in=scoped_projects(request.user)).select_related(
            "project__organization", "project__leader", "requested_by"
        ),
        pk=pk,
    )
    project = extension.project
    require(request, "project.decide_extension", project)
    if extension.status != ExtensionStatus.PENDING:
        messages.info(request, _("This extension request has already been decided."))
        return redirect(_queue_url("extensions"))
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.extension_decide(
                extension=extension, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect(_queue_url("extensions"))
        if approve:
            messages.success(
                request,
                _("The extension of “%(title)s” is approved: the planned end is now %(date)s.")
                % {"title": project.title, "date": extension.new_end},
            )
        else:
            messages.success(request, _("The extension of “%(title)s” is refused.") % {"title": project.title})
        return redirect(_queue_url("extensions"))
    return render(
        request,
        "projects/review/extension_decide.html",
        {
            "extension": extension,
            "project": project,
            "form": form,
            "earlier": list(project.extensions.exclude(pk=extension.pk).select_related("decided_by")),
            "latest_report": project.reports.order_by("-year", "-quarter").first(),
        },
    )
