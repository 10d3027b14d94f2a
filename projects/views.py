"""Branch secretary side of innovation projects. Thin: parse, authorize, call a service or selector, render.

Authorization order everywhere: the role-level action first (403 and an audit row), then the project
through ``scoped_projects`` (another branch's draft is 404), then the object-level action. When the
branch's own secretary asks for a step the project's state does not allow now (say, editing a
submitted project), the page explains it and goes back to the project instead of answering 403.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from honors.selectors import honors_of
from portal import pagecache
from portal.accounts.models import Role
from portal.audit.log import record
from portal.audit.models import Event
from portal.downloads import stored_file_response
from portal.permissions import can, require, scoped_projects
from portal.statistics import cache as stats_cache
from portal.statistics.cache import fill_csrf, page_fragment, render_fragment

from . import selectors, services
from .filters import PlanFilter, ProjectFilter
from .forms import (
    AttachmentForm,
    CompletionForm,
    ExtensionForm,
    PlanForm,
    ProjectForm,
    ReportForm,
    ResultForm,
    TeamFormSet,
    apply_validation_error,
    team_entries,
    team_initial,
)
from .models import Attachment, ExtensionStatus, ObjectionStatus, Project, Status
from .workflow import TransitionError, available_actions

PAGE_SIZE = 25
TEAM_PREFIX = "team"


# --- helpers -----------------------------------------------------------------------------------------


def _scoped_project(request: HttpRequest, pk: int, role_action: str = "project.list") -> Project:
    """Role-level check first (403), then the project through the user's scope (404)."""
    require(request, role_action)
    return get_object_or_404(scoped_projects(request.user).select_related("organization", "leader", "category"), pk=pk)


def _own_secretary(user, project: Project) -> bool:
    return user.role == Role.SECRETARY and can(user, "project.act", project)


def _step_refused(request: HttpRequest, project: Project, action: str, explanation: str) -> HttpResponse | None:
    """None when the user may take the step; a redirect with an explanation for the branch's own secretary
    when the project's state does not allow it now; otherwise 403 (audited)."""
    if can(request.user, action, project):
        return None
    if _own_secretary(request.user, project):
        messages.warning(request, explanation)
        return redirect("projects:detail", pk=project.pk)
    require(request, action, project)
    raise PermissionDenied(action)  # pragma: no cover - require() has raised already


def _status_text(project: Project) -> str:
    return _("This project is “%(status)s”.") % {"status": project.get_status_display()}


def _may_take(user, project: Project, action: str) -> bool:
    if not can(user, "project.act", project):
        return False
    return any(t.action == action for t in available_actions(project.status, user.role))


def _own_branch(request: HttpRequest):
    scope = request.user.scope
    if scope is None or not scope.is_branch or not scope.is_active:
        return None
    return scope


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(getattr(exc, "message", exc))


# --- list ----------------------------------------------------------------------------------------------


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    require(request, "project.list")
    user = request.user
    stamp = stats_cache.fingerprint()
    queryset = selectors.project_list_queryset(user)
    project_filter = ProjectFilter(request.GET, queryset=queryset, request=request, stamp=stamp)
    results = project_filter.qs if project_filter.is_valid() else queryset.none()
    page = SimpleLazyObject(lambda: Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")))
    can_create = can(user, "project.create")

    def build() -> dict:
        context = {"page": page, "can_create": can_create}
        return {
            "count": page.paginator.count,
            "html": render_fragment("projects/_project_table.html", context, request),
        }

    # The table and its total are the same for every user of one role and scope: cached under the data's
    # fingerprint (any change of a project, team, result, organization or audited step gives a new one).
    table = page_fragment(
        "project-list",
        user.role,
        user.scope_id,
        can_create,
        sorted(request.GET.lists()),
        get_language(),
        stamp,
        build=build,
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": project_filter,
            "page": page,
            "total": table["count"],
            "table_html": mark_safe(table["html"]),  # noqa: S308 (rendered by the template engine)
            "can_create": can_create,
            "can_plans": can(user, "plan.list"),
            "can_export": can(user, "project.export"),
        },
    )


# --- the application form --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    require(request, "project.create")
    branch = _own_branch(request)
    if branch is None:
        messages.error(
            request,
            _(
                "Your account is not attached to an active party branch, so it cannot file projects. "
                "Ask the system administrator to set your scope to your branch."
            ),
        )
        return redirect("projects:list")
    require(request, "project.create_in", branch)
    return _project_form(request, project=None, branch=branch)


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    refused = _step_refused(
        request,
        project,
        "project.edit",
        _status_text(project) + " " + _("Only drafts and projects returned for changes can be edited."),
    )
    if refused:
        return refused
    return _project_form(request, project=project, branch=project.organization)


def _project_form(request: HttpRequest, *, project: Project | None, branch) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    people = selectors.branch_people(user)
    party_members = selectors.branch_party_members(user)
    instance = copy.copy(project) if project is not None else Project(organization=branch, created_by=user)
    form = ProjectForm(data, instance=instance, people=people, party_members=party_members, editing=bool(project))
    initial = team_initial(project) if project is not None and data is None else None
    team = TeamFormSet(data, prefix=TEAM_PREFIX, initial=initial, form_kwargs={"people": people})
    conflict = False
    team_errors: list[str] = []
    if data is not None and project is None:
        replayed = _replayed_project(request)
        if replayed is not None:
            messages.info(request, _("This application had already been saved; here it is."))
            return redirect("projects:detail", pk=replayed)
    if data is not None:
        form_ok = form.is_valid()
        team_ok = team.is_valid()
        if form_ok and team_ok:
            submit = request.POST.get("action") == "submit"
            result_types = form.cleaned_data["expected_result_types"]
            try:
                with transaction.atomic():
                    if project is None:
                        saved = services.project_create(
                            by=user,
                            data={**form.project_data(), "organization": branch},
                            team=team_entries(form, team),
                            result_types=result_types,
                        )
                    else:
                        saved = services.project_update(
                            project=project,
                            by=user,
                            data=form.project_data(),
                            expected_version=form.cleaned_data["version"],
                            team=team_entries(form, team),
                            result_types=result_types,
                        )
                    if submit:
                        saved = services.project_submit(project=saved, by=user)
            except services.ConflictError as exc:
                conflict = True
                form.add_error(None, str(exc))
            except ValidationError as exc:
                team_errors = apply_validation_error(form, exc)
            except TransitionError as exc:
                form.add_error(None, exc.message)
            else:
                if project is None:
                    _remember_token(request, saved.pk)
                if submit:
                    messages.success(
                        request, _("“%(title)s” has been saved and submitted for review.") % {"title": saved.title}
                    )
                else:
                    messages.success(
                        request,
                        _("“%(title)s” has been saved as a draft. Submit it when it is complete.")
                        % {"title": saved.title},
                    )
                return redirect("projects:detail", pk=saved.pk)
        team_errors += [str(e) for e in team.non_form_errors()]
    team.attach_people(people)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "team": team,
            "team_errors": team_errors,
            "project": project,
            "branch": branch,
            "conflict": conflict,
            "return_note": selectors.return_note(project) if project is not None else None,
        },
        status=409 if conflict else 200,
    )


FORM_TOKENS = "projects_form_tokens"


def _replayed_project(request: HttpRequest) -> int | None:
    """A filing form posted again (double click, back button, reload) leads to the project it created."""
    token = (request.POST.get("form_token") or "")[:64]
    pk = request.session.get(FORM_TOKENS, {}).get(token) if token else None
    if pk is not None and scoped_projects(request.user).filter(pk=pk).exists():
        return pk
    return None


def _remember_token(request: HttpRequest, pk: int) -> None:
    token = (request.POST.get("form_token") or "")[:64]
    if not token:
        return
    tokens = dict(request.session.get(FORM_TOKENS, {}))
    tokens[token] = pk
    request.session[FORM_TOKENS] = dict(list(tokens.items())[-20:])


@require_GET
def member_search(request: HttpRequest) -> HttpResponse:
    """The team picker's search box (htmx): people of the user's branch by name or employee number."""
    require(request, "project.create")
    text = (request.GET.get("q") or "")[:50]
    return render(
        request,
        "projects/_member_search_results.html",
        {
            "people": selectors.member_search(request.user, text),
            "q": text.strip(),
            "limit": selectors.MEMBER_SEARCH_LIMIT,
        },
    )


# --- detail and print ----------------------------------------------------------------------------------------


def _detail_flags(user, project: Project) -> dict:
    """The per-user answers of the detail page that need only the project row (no related lists)."""
    acting = can(user, "project.act", project)
    available = {t.action for t in available_actions(project.status, user.role)} if acting else set()
    may_report = can(user, "project.report", project)
    return {
        "can_edit": can(user, "project.edit", project),
        "can_submit": "submit" in available,
        "can_report": may_report,
        "can_result": may_report,
        "can_request_completion": "request_completion" in available,
        "can_attach": can(user, "project.attach", project),
        "can_print": can(user, "project.print", project),
        "can_decide": bool(available & {"approve", "return", "reject"}),
        "can_completion_decide": bool(available & {"accept", "return_completion"}),
        "can_evaluate": "evaluate" in available and can(user, "project.evaluate", project),
        "can_terminate": "terminate" in available,
        "can_object": can(user, "project.object", project),
        "can_resolve": can(user, "project.resolve_objection", project),
        "can_decide_extension": can(user, "project.decide_extension", project),
        "show_objections": acting,
        "show_objector": can(user, "project.resolve_objection", project) or user.role == Role.REVIEWER and acting,
    }


# What the cached part of the detail page (facts, sections, timeline) shows differently per user.
BODY_FLAGS = ("show_objections", "show_objector", "can_resolve", "can_decide_extension")


class DetailData:
    """The related lists of one project for the detail page, loaded on first use (a cache hit needs none)."""

    def __init__(self, user, project: Project) -> None:
        self.user = user
        self.project = project

    @cached_property
    def loaded(self) -> Project:
        project = selectors.project_for_detail(self.user).get(pk=self.project.pk)
        return selectors.prefetch_detail(project)

    @cached_property
    def timeline(self) -> list:
        return selectors.timeline(self.loaded)

    @cached_property
    def context(self) -> dict:
        project = self.loaded
        results = list(project.results.all())
        extensions = list(project.extensions.all())
        return {
            "project": project,
            "timeline": self.timeline,
            "return_note": selectors.return_note(project, self.timeline),
            "team": list(project.team.all()),
            "reports": list(project.reports.all()),
            "results": results,
            "results_value": sum((r.value for r in results), start=0),
            "evaluation": getattr(project, "evaluation", None),
            "scores": selectors.evaluation_scores(project),
            "objections": list(project.objections.all()),
            "extensions": extensions,
            "pending_extensions": [e for e in extensions if e.status == ExtensionStatus.PENDING],
            "open_objections": [o for o in project.objections.all() if o.status == ObjectionStatus.OPEN],
            "files": [a for a in project.attachments.all() if a.result_id is None and a.report_id is None],
            "honours": list(honors_of(project)),
        }


def _detail_fragments(request: HttpRequest, project: Project, data: DetailData, flags: dict, stamp: str) -> dict:
    """The return note, the facts and the sections of the page, rendered once per project, language, the
    few per-user answers they show (BODY_FLAGS) and the data's fingerprint (portal.statistics.cache: any
    change of the project, its team, reports, results, files, steps, evaluation or honours, and of the
    people and organizations shown, gives a new one), so a change shows at the next request."""
    body_flags = {name: flags[name] for name in BODY_FLAGS}

    def build() -> dict:
        context = {**data.context, **body_flags}
        return {
            "return_note": render_fragment("projects/_return_note.html", context, request),
            "facts": render_fragment("projects/_detail_facts.html", context, request),
            "body": render_fragment("projects/_detail_body.html", context, request),
            "pending_extensions": bool(context["pending_extensions"]),
        }

    found = page_fragment("project-detail", project.pk, tuple(body_flags.values()), get_language(), stamp, build=build)
    return {
        "return_note": mark_safe(found["return_note"]),  # noqa: S308 (rendered by the template engine)
        "facts": mark_safe(found["facts"]),  # noqa: S308
        "body": mark_safe(found["body"]),  # noqa: S308
        "pending_extensions": found["pending_extensions"],
    }


def _visible_project(user, pk: int) -> tuple[Project, str]:
    """The project with its organization and the data's state (one prepared query), or 404 when the user may not
    see it: ``project.view`` is the rule that ``scoped_projects`` applies to lists (tests/test_projects_visibility.py
    checks that both agree for every role and project), so another branch's draft is 404, never 403."""
    found = selectors.project_row(pk)
    if found is None or not can(user, "project.view", found[0]):
        raise Http404
    return found


def _detail_page(request: HttpRequest, project: Project, data: DetailData, flags: dict, stamp: str) -> dict:
    """The content of the page (header, action buttons, facts, sections), rendered once per project, the user's
    answers (``flags``, whether the user may publish it), language, day and data fingerprint; each request only
    puts its CSRF token in (``fill_csrf``). On a miss the facts and sections may still come from their own,
    less specific cache (``_detail_fragments``)."""
    publish = can(request.user, "showcase.publish", project)

    def build() -> dict:
        detail = _detail_fragments(request, project, data, flags, stamp)
        can_extend = flags["can_report"] and not detail["pending_extensions"]
        context = {"request": request, "project": project, "detail": detail, **flags, "can_extend": can_extend}
        return {
            "content": render_fragment("projects/_detail_page.html", context, request),
            "breadcrumbs": render_fragment(
                "projects/_breadcrumbs.html", {"project": None, "here": project.title}, request
            ),
            "can_extend": can_extend,
        }

    key = ("project-detail-page", project.pk, tuple(flags.values()), publish, get_language())
    found = page_fragment(*key, timezone.localdate().isoformat(), stamp, build=build)
    return {
        "content": mark_safe(fill_csrf(found["content"], request)),  # noqa: S308 (rendered by the template engine)
        "breadcrumbs": mark_safe(found["breadcrumbs"]),  # noqa: S308
        "can_extend": found["can_extend"],
    }


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(request, "project.list")
    # The whole page as this user last saw it, while nothing has changed (portal/pagecache.py).
    seen = stats_cache.fingerprint()
    key = pagecache.page_key(request, "project-detail", seen)
    if (found := pagecache.cached_page(request, key)) is not None:
        return found
    # The row, its organization and the data's fingerprint in one query.
    project, state = _visible_project(user, pk)
    if project.status == Status.APPROVED:
        started = services.project_start_if_due(project=project)
        if started.status != project.status:
            project, state = _visible_project(user, pk)
    stamp = stats_cache.digest(state)
    data = DetailData(user, project)
    flags = _detail_flags(user, project)
    page = _detail_page(request, project, data, flags, stamp)
    lazy = {
        name: SimpleLazyObject(lambda name=name: data.context[name])
        for name in (
            "timeline",
            "team",
            "reports",
            "results",
            "evaluation",
            "objections",
            "extensions",
            "files",
            "honours",
        )
    }
    response = render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "page": page,
            **lazy,  # the lists, for callers that read the context; the page itself shows the cached parts
            **flags,
            "can_extend": page["can_extend"],
        },
    )
    # Kept only when the data did not change while the page was made (the key holds the earlier state).
    return pagecache.remember(request, key if stamp == seen else None, response)


@require_GET
def project_print(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "project.list")
    project = get_object_or_404(selectors.project_for_detail(request.user), pk=pk)
    require(request, "project.print", project)
    selectors.prefetch_detail(project, only=("expected_result_types", "team"))
    return render(
        request,
        "projects/project_print.html",
        {
            "project": project,
            "team": list(project.team.all()),
            "result_types": list(project.expected_result_types.all()),
        },
    )


# --- workflow steps of the branch -----------------------------------------------------------------------------


@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    require(request, "project.act", project)
    try:
        services.project_submit(project=project, by=request.user)
    except TransitionError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("The project has been submitted for review."))
    return redirect("projects:detail", pk=project.pk)


def _running_refusal(request: HttpRequest, project: Project, what: str) -> HttpResponse | None:
    return _step_refused(
        request,
        project,
        "project.report",
        _status_text(project) + " " + what,
    )


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    refused = _running_refusal(
        request, project, _("Progress reports are filed while a project is approved or in progress.")
    )
    if refused:
        return refused
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.has_room(project):
        try:
            report = services.report_file(
                project=project, by=request.user, data=form.report_data(), files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The %(year)s Q%(quarter)s progress report has been filed.")
                % {"year": report.year, "quarter": report.quarter},
            )
            return redirect("projects:detail", pk=project.pk)
    return _step_page(
        request,
        project,
        form,
        title=_("File a progress report"),
        intro=_("What was done this quarter, the problems met and the next steps. Evidence files are optional."),
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
def result_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    refused = _running_refusal(request, project, _("Results are recorded while a project is approved or in progress."))
    if refused:
        return refused
    form = ResultForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.has_room(project):
        try:
            result = services.result_add(
                project=project, by=request.user, data=form.result_data(), files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The result “%(title)s” has been recorded.") % {"title": result.title})
            return redirect("projects:detail", pk=project.pk)
    return _step_page(
        request,
        project,
        form,
        title=_("Add a result"),
        intro=_("A result (成果) of the project: a patent, paper, standard, named method, value created…"),
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
def completion_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    user = request.user
    if not _may_take(user, project, "request_completion"):
        if _own_secretary(user, project):
            messages.warning(
                request, _status_text(project) + " " + _("Completion can be requested while a project is in progress.")
            )
            return redirect("projects:detail", pk=project.pk)
        require(request, "project.report", project)  # not the branch's own secretary: 403, audited
        raise PermissionDenied("request_completion")
    form = CompletionForm(request.POST or None, initial={"summary": project.completion_summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_request_completion(project=project, by=user, summary=form.cleaned_data["summary"])
        except (TransitionError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Completion has been requested; the committee office will review it."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/completion_form.html",
        {"project": project, "form": form, "checklist": selectors.completion_checklist(project)},
    )


@require_http_methods(["GET", "POST"])
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    refused = _running_refusal(
        request, project, _("An extension is requested while a project is approved or in progress.")
    )
    if refused:
        return refused
    form = ExtensionForm(request.POST or None, current_end=project.planned_end)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                project=project,
                by=request.user,
                new_end=form.cleaned_data["new_end"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The extension request has been sent to the committee office."))
            return redirect("projects:detail", pk=project.pk)
    return _step_page(
        request,
        project,
        form,
        title=_("Request an extension"),
        intro=_("The current planned end is %(end)s. The committee office decides on the request.")
        % {"end": project.planned_end.isoformat()},
    )


@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped_project(request, pk, "project.create")
    refused = _step_refused(
        request, project, "project.attach", _status_text(project) + " " + _("Files can no longer be added to it.")
    )
    if refused:
        return refused
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.has_room(project):
        try:
            with transaction.atomic():
                stored = [
                    services.attachment_add(project=project, by=request.user, upload=checked)
                    for checked in form.cleaned_data["files"]
                ]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(count)s file(s) added: %(names)s.")
                % {"count": len(stored), "names": "、".join(a.original_name for a in stored)},
            )
            return redirect("projects:detail", pk=project.pk)
    return _step_page(
        request,
        project,
        form,
        title=_("Upload files"),
        intro=_("Application materials, photos and other documents of the project."),
        multipart=True,
    )


def _step_page(request, project, form, *, title, intro, multipart=False) -> HttpResponse:
    return render(
        request,
        "projects/step_form.html",
        {"project": project, "form": form, "title": title, "intro": intro, "multipart": multipart},
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Files are served only through this view, to users who may see the project (SECURITY.md §20)."""
    require(request, "project.list")
    attachment = get_object_or_404(
        Attachment.objects.filter(is_active=True, project__in=scoped_projects(request.user)).select_related(
            "project__organization"
        ),
        pk=pk,
    )
    require(request, "project.download", attachment.project)
    response = stored_file_response(
        attachment.file, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    record(
        event=Event.EXPORT,
        user=request.user,
        obj=attachment,
        detail={"attachment": attachment.pk, "project": attachment.project_id},
    )
    return response


# --- improvement plans --------------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    require(request, "plan.list")
    queryset = selectors.plan_queryset(request.user)
    plan_filter = PlanFilter(request.GET, queryset=queryset, request=request)
    results = plan_filter.qs if plan_filter.is_valid() else queryset.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/plan_list.html",
        {
            "filter": plan_filter,
            "page": page,
            "counts": selectors.plan_counts(results),
            "can_create": can(request.user, "plan.create") and _own_branch(request) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    require(request, "plan.create")
    branch = _own_branch(request)
    if branch is None:
        messages.error(request, _("Your account is not attached to an active party branch, so it cannot file plans."))
        return redirect("projects:plan_list")
    require(request, "plan.create_in", branch)
    form = PlanForm(request.POST or None, people=selectors.branch_people(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.plan_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The %(year)s plan of %(name)s has been filed.") % {"year": plan.year, "name": plan.member.name},
            )
            return redirect(reverse("projects:plan_list") + f"?year={plan.year}")
    return render(request, "projects/plan_form.html", {"form": form, "branch": branch})
