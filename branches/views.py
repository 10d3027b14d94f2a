"""Organization tree and roster pages. Thin: parse, authorize, call a service or selector, render.

Authorization order everywhere: the role-level action first (403 and an audit row), then the object
through a scoped queryset (another branch's id is 404), then the object-level action (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.permissions import can, require, scoped_members, scoped_organizations

from . import selectors, services
from .filters import MemberFilter
from .forms import MemberForm, OrganizationForm, apply_validation_error
from .models import ALLOWED_CHILD_KINDS, Member, Organization, OrgKind

PAGE_SIZE = 50
HONOURS_ON_PAGE = 20


# --- helpers -----------------------------------------------------------------------------------


def _posted_version(request: HttpRequest) -> int | None:
    """The version stamp a confirm form carried, if any (deactivation buttons include it)."""
    raw = request.POST.get("version", "")
    try:
        return int(raw) if raw else None
    except ValueError:
        return -1  # a damaged stamp never matches: treated as a conflict


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _int_param(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _require_role(request: HttpRequest, role_action: str, action: str) -> None:
    """403 before any lookup when the role can never take ``action`` (refusal audited under its name)."""
    if not can(request.user, role_action):
        require(request, action)
        raise PermissionDenied(action)  # not reached: without the role the object rule fails too


def _scoped_org(
    request: HttpRequest, pk: int, *, role_action: str = "organization.list", action: str = ""
) -> Organization:
    _require_role(request, role_action, action or role_action)
    return get_object_or_404(scoped_organizations(request.user), pk=pk)


def _scoped_member(request: HttpRequest, pk: int, *, role_action: str = "member.list", action: str = "") -> Member:
    _require_role(request, role_action, action or role_action)
    return get_object_or_404(scoped_members(request.user), pk=pk)


# --- organizations -------------------------------------------------------------------------------


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    require(request, "organization.list")
    active_only = request.GET.get("active") == "1"
    tree = selectors.organization_tree(request.user, active_only=active_only)
    return render(
        request,
        "branches/organization_list.html",
        {
            "tree": tree,
            "active_only": active_only,
            "can_manage": can(request.user, "organization.create"),
            "can_list_members": can(request.user, "member.list"),
            "can_export": can(request.user, "organization.export"),
            "parent_kinds": [kind for kind, allowed in ALLOWED_CHILD_KINDS.items() if allowed],
        },
    )


@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _scoped_org(request, pk)
    require(request, "organization.view", org)
    user = request.user
    page = selectors.organization_page(user, org)
    members_page = None
    if can(user, "member.view", org):
        members_page = Paginator(selectors.organization_members(user, org), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "branches/organization_detail.html",
        {
            "page": page,
            "org": org,
            "members_page": members_page,
            **_projects_context(user, org),
            **_honours_context(user, org),
            "can_change": can(user, "organization.change", org),
            "can_deactivate": can(user, "organization.deactivate", org) and org.is_active,
            "can_add_child": can(user, "organization.add_child", org) and bool(ALLOWED_CHILD_KINDS.get(org.kind)),
            "can_add_member": can(user, "member.create_in", org) and org.kind in services.MEMBER_KINDS,
            "can_history": can(user, "organization.view_history", org),
            "can_list_members": can(user, "member.list"),
        },
    )


def _projects_context(user, org: Organization) -> dict:
    """The subtree's projects the user may open: counts by status and the most recent (projects app, 2 queries)."""
    from projects.selectors import organization_projects

    # the project list's branch filter takes the active committees, general branches and branches of the
    # scope (projects.selectors.filter_organizations); this page's organization is in the scope already
    filterable = org.is_active and org.kind != OrgKind.PARTY_GROUP
    return {
        "org_projects": organization_projects(user, org),
        "projects_url": f"{reverse('projects:list')}?branch={org.pk}" if filterable else "",
    }


def _honours_context(user, org: Organization) -> dict:
    """Posts, honours, grades, appraisals and liaison points of an organization (honors app, 4 + 2 queries)."""
    from honors import selectors as honors_selectors
    from honors.models import PostStatus
    from honors.views_grading import record_years

    record = honors_selectors.branch_record(org)
    record["years"] = record_years(record)
    posts = record["posts"]
    if not can(user, "member.view", org):  # outside the roster readers of this scope: public posts only
        posts = [p for p in posts if p.status in (PostStatus.BUILDING, PostStatus.TITLED)]
    graded = org.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
    return {
        "record": record if graded and can(user, "grade.view", org) else None,
        "can_grade": graded and can(user, "grade.manage", org),
        "posts": posts,
        "own_honours": list(honors_selectors.honors_of(org)),
        "inner_honours": list(honors_selectors.honors_in(org).exclude(branch=org)[:HONOURS_ON_PAGE]),
        "honours_url": (f"{reverse('honors:honor_list')}?branch={org.pk}" if org.kind != OrgKind.PARTY_GROUP else ""),
    }


@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    require(request, "organization.create")
    user = request.user
    parent = None
    parent_id = _int_param(request.GET.get("parent"))
    if parent_id is not None:
        parent = get_object_or_404(scoped_organizations(user), pk=parent_id)
        if not parent.is_active:
            messages.error(request, _("“%(name)s” is deactivated: nothing can be added under it.") % {"name": parent})
            return redirect("branches:organization_detail", pk=parent.pk)
        require(request, "organization.add_child", parent)
    form = OrganizationForm(request.POST or None, user=user, parent=parent)
    if request.method == "POST" and form.is_valid():
        chosen_parent = form.cleaned_data["parent"]
        require(request, "organization.add_child", chosen_parent)
        try:
            org = services.organization_create(parent=chosen_parent, by=user, **form.changes())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” has been created.") % {"name": org.name})
            return redirect("branches:organization_detail", pk=org.pk)
    return render(request, "branches/organization_form.html", {"form": form, "parent": parent, "org": None})


@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _scoped_org(request, pk, role_action="organization.manage", action="organization.change")
    require(request, "organization.change", org)
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    conflict = False
    if request.method == "POST" and not form.is_valid():
        conflict = form.conflict
    elif request.method == "POST":
        try:
            services.organization_update(
                organization=org,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.ConflictError as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The changes to “%(name)s” have been saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("branches:organization_detail", pk=org.pk)
    return render(
        request,
        "branches/organization_form.html",
        {"form": form, "org": org, "parent": None, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
def organization_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    org = _scoped_org(request, pk, role_action="organization.manage", action="organization.deactivate")
    require(request, "organization.deactivate", org)
    try:
        services.organization_deactivate(organization=org, by=request.user, expected_version=_posted_version(request))
    except services.ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("“%(name)s” has been deactivated. Its history is kept.") % {"name": org.name})
    return redirect(_safe_next(request, reverse("branches:organization_detail", args=[org.pk])))


@require_GET
def organization_history(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request, "organization.history", "organization.view_history")
    org = get_object_or_404(selectors.history_scope_filter(request.user, Organization), pk=pk)
    require(request, "organization.view_history", org)
    return render(
        request,
        "branches/history.html",
        {
            "obj": org,
            "entries": selectors.history_entries(org),
            "back_url": reverse("branches:organization_detail", args=[org.pk])
            if can(request.user, "organization.view", org)
            else "",
            "title": _("Change history of %(name)s") % {"name": org.name},
        },
    )


# --- members -------------------------------------------------------------------------------------


@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    require(request, "member.list")
    queryset = selectors.member_list_queryset(request.user)
    member_filter = MemberFilter(request.GET, queryset=queryset, request=request)
    results = member_filter.qs if member_filter.is_valid() else queryset.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "branches/member_list.html",
        {
            "filter": member_filter,
            "page": page,
            "can_create": can(request.user, "member.create"),
            "can_export": can(request.user, "member.export"),
        },
    )


def _member_context(request: HttpRequest, member: Member, **extra) -> dict:
    from honors.selectors import honors_of
    from projects.selectors import member_plans, member_projects

    user = request.user
    can_plans = can(user, "plan.list")
    return {
        "member": member,
        "honours": list(honors_of(member)),
        "team_places": member_projects(user, member),
        "can_plans": can_plans,
        "plans": member_plans(user, member) if can_plans else [],
        "can_phone": can(user, "member.view_phone", member) and bool(member.phone),
        "can_history": can(user, "member.view_history", member),
        "can_change": can(user, "member.change", member) and member.is_active,
        "can_deactivate": can(user, "member.deactivate", member) and member.is_active,
        "crumbs": list(Organization.objects.get_ancestors(member.organization)) + [member.organization],
        **extra,
    }


@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _scoped_member(request, pk)
    require(request, "member.view", member)
    return render(request, "branches/member_detail.html", _member_context(request, member))


@require_POST
def member_phone(request: HttpRequest, pk: int) -> HttpResponse:
    member = _scoped_member(request, pk, role_action="member.manage", action="member.view_phone")
    require(request, "member.view_phone", member)
    phone = services.member_phone_reveal(member=member, by=request.user) if member.phone else ""
    if request.htmx:
        return render(request, "branches/_member_phone.html", {"member": member, "full_phone": phone})
    return render(request, "branches/member_detail.html", _member_context(request, member, full_phone=phone))


@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    require(request, "member.create")
    user = request.user
    initial_org = None
    org_id = _int_param(request.GET.get("organization"))
    if org_id is not None:
        initial_org = get_object_or_404(scoped_organizations(user), pk=org_id)
    form = MemberForm(request.POST or None, user=user, initial_organization=initial_org)
    if request.method == "POST" and form.is_valid():
        require(request, "member.create_in", form.cleaned_data["organization"])
        try:
            member = services.member_create(values=form.values(), by=user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been added to the roster.") % {"name": member.name})
            return redirect("branches:member_detail", pk=member.pk)
    return render(request, "branches/member_form.html", {"form": form, "member": None})


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _scoped_member(request, pk, role_action="member.manage", action="member.change")
    require(request, "member.change", member)
    if not member.is_active:
        messages.warning(
            request, _("This person is deactivated; the record is read-only. The committee office can reactivate it.")
        )
        return redirect("branches:member_detail", pk=member.pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    conflict = False
    if request.method == "POST" and not form.is_valid():
        conflict = form.conflict
    elif request.method == "POST":
        try:
            services.member_update(
                member=member,
                changes=form.values(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.ConflictError as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The changes to %(name)s have been saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("branches:member_detail", pk=member.pk)
    return render(
        request,
        "branches/member_form.html",
        {"form": form, "member": member, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _scoped_member(request, pk, role_action="member.manage", action="member.deactivate")
    require(request, "member.deactivate", member)
    try:
        services.member_deactivate(member=member, by=request.user, expected_version=_posted_version(request))
    except services.ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("%(name)s has been taken off the roster. The record is kept.") % {"name": member.name}
        )
    return redirect(_safe_next(request, reverse("branches:member_detail", args=[member.pk])))


@require_GET
def member_history(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request, "member.history", "member.view_history")
    member = get_object_or_404(selectors.history_scope_filter(request.user, Member), pk=pk)
    require(request, "member.view_history", member)
    return render(
        request,
        "branches/history.html",
        {
            "obj": member,
            "entries": selectors.history_entries(member),
            "back_url": reverse("branches:member_detail", args=[member.pk])
            if can(request.user, "member.view", member)
            else "",
            "title": _("Change history of %(name)s") % {"name": member.name},
        },
    )
