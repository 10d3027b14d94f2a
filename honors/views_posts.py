"""Demonstration posts (党员创新示范岗 / 先锋岗 / 责任区 / 突击队 / 攻关小组 / 劳模创新工作室, WORKFLOWS §3).

Thin views: parse, authorize, fetch through ``scoped_posts``, call a service, render. Authorization
order everywhere: the role-level action first (403 and an audit row), then the post through the
user's scope (another branch's application is 404), then the object-level action (403). When the
branch's own secretary asks for a step the post's state does not allow now (say, editing a titled
post), the page explains it and goes back to the post instead of answering 403. Services refuse
bad input and stale states with a message, which is shown — never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.models import Role
from portal.audit.log import record
from portal.audit.models import Event
from portal.downloads import stored_file_response
from portal.exceptions import ConflictError
from portal.ledger import ledger_response
from portal.permissions import can, in_scope_of, require, scoped_members, scoped_posts

from . import services
from .forms_posts import (
    ActivityForm,
    AssessmentForm,
    DecideForm,
    PostFilter,
    PostForm,
    apply_service_error,
    post_branches,
)
from .models import (
    ActivityPhoto,
    DemonstrationPost,
    PostActivity,
    PostAssessment,
    PostAssessmentScore,
    PostMember,
    PostStatus,
)
from .selectors import honors_of
from .workflow import ASSESSMENT_ACTIONS, POST_TRANSITIONS, TransitionError, available_post_actions

PAGE_SIZE = 20
DECIDE_ACTIONS = ("accept", "reject")  # the only actions post_decide dispatches (the rest go through forms)


# --- helpers ---------------------------------------------------------------------------------------------


def _post(request: HttpRequest, pk: int, role_action: str) -> DemonstrationPost:
    """Role-level check first (403), then the post through the user's scope (404)."""
    require(request, role_action)
    return get_object_or_404(scoped_posts(request.user).select_related("organization", "leader"), pk=pk)


def _refused(request: HttpRequest, post: DemonstrationPost, action: str, explanation: str) -> HttpResponse | None:
    """None when the user may take the step; for the branch's own secretary a redirect with an explanation
    when the post's state does not allow it now; otherwise 403 (audited)."""
    user = request.user
    if can(user, action, post):
        return None
    if user.role == Role.SECRETARY and in_scope_of(user, post.organization):
        messages.warning(
            request,
            _("This post is “%(status)s”.") % {"status": post.get_status_display()} + " " + explanation,
        )
        return redirect("honors:post_detail", pk=post.pk)
    require(request, action, post)
    raise PermissionDenied(action)  # pragma: no cover - require() has raised already


def _to_detail(post: DemonstrationPost) -> HttpResponse:
    return redirect("honors:post_detail", pk=post.pk)


def _filtered(request: HttpRequest):
    """The user's posts with the list's filters applied (shared by the list and the export)."""
    queryset = scoped_posts(request.user).select_related("organization", "leader")
    years = list(scoped_posts(request.user).order_by("-year").values_list("year", flat=True).distinct())
    post_filter = PostFilter(request.GET, queryset=queryset, request=request, years=years)
    results = post_filter.qs if post_filter.is_valid() else queryset.none()
    return post_filter, results


# --- list and export ---------------------------------------------------------------------------------------


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    require(request, "post.list")
    post_filter, results = _filtered(request)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "honors/posts/list.html",
        {
            "filter": post_filter,
            "page": page,
            "can_create": can(request.user, "post.create"),
            "can_export": can(request.user, "post.export"),
            "export_query": query.urlencode(),
        },
    )


@require_GET
def post_export(request: HttpRequest) -> HttpResponse:
    """The posts ledger (台账) with the list's filters, as an Excel workbook."""
    require(request, "post.export")
    _filter, results = _filtered(request)
    results = results.annotate(member_count=Count("memberships"))
    count = results.count()
    record(event=Event.EXPORT, user=request.user, detail={"ledger": "posts", "rows": count})

    def rows():
        for post in results.iterator(chunk_size=500):
            yield [
                post.name,
                post.get_kind_display(),
                post.organization.name,
                post.leader.name,
                post.member_count,
                post.get_status_display(),
                post.year,
                post.titled_year,
                post.last_reviewed_year,
                post.pledge,
            ]

    return ledger_response(
        filename=f"demonstration-posts-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Demonstration posts ledger"),
        headers=[
            capfirst(_("name")),
            _("Kind"),
            _("Branch"),
            capfirst(_("leader")),
            _("Members"),
            _("Status"),
            _("Year applied"),
            _("Year titled"),
            _("Last yearly review"),
            _("Public pledge"),
        ],
        rows=rows(),
        widths=[28, 24, 20, 12, 10, 14, 12, 12, 16, 60],
    )


# --- the application form ------------------------------------------------------------------------------------


def _people(user, organization=None):
    """Active people in the user's scope (of one branch when given): leader and member choices."""
    people = scoped_members(user).filter(is_active=True)
    if organization is not None:
        people = people.filter(organization__path__startswith=organization.path)
    return people.order_by("name", "id")


@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    require(request, "post.create")
    user = request.user
    branches = post_branches(user)
    if not branches.exists():
        messages.error(
            request,
            _(
                "Your account is not attached to an active Party branch, so it cannot apply for posts. "
                "Ask the system administrator to set your scope to your branch."
            ),
        )
        return redirect("honors:post_list")
    data = request.POST if request.method == "POST" else None
    initial = {"year": timezone.localdate().year}
    if user.scope_id and branches.filter(pk=user.scope_id).exists():
        initial["organization"] = user.scope_id
    form = PostForm(data, initial=initial, people=_people(user), branches=branches, post=None)
    if data is not None and form.is_valid():
        try:
            post = services.post_create(by=user, data=form.post_data(), members=form.member_entries())
        except ValidationError as exc:
            apply_service_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The application for “%(name)s” has been filed; the committee office will review it.")
                % {"name": post.name},
            )
            return _to_detail(post)
    return render(request, "honors/posts/form.html", {"form": form, "post": None, "conflict": False})


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "post.create")
    refused = _refused(request, post, "post.edit", _("A post can be edited while it is applied for or being built."))
    if refused:
        return refused
    user = request.user
    memberships = list(post.memberships.all())
    data = request.POST if request.method == "POST" else None
    initial = {
        "kind": post.kind,
        "name": post.name,
        "year": post.year,
        "leader": post.leader_id,
        "members": [m.member_id for m in memberships],
        "pledge": post.pledge,
        "plan": post.plan,
        "version": post.version,
    }
    form = PostForm(data, initial=initial, people=_people(user, post.organization), branches=None, post=post)
    conflict = False
    if data is not None and form.is_valid():
        duties = {m.member_id: m.duty for m in memberships}
        try:
            post = services.post_update(
                post=post,
                by=user,
                data=form.post_data(),
                members=form.member_entries(duties),
                version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_service_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("“%(name)s” has been saved.") % {"name": post.name})
            return _to_detail(post)
    return render(
        request,
        "honors/posts/form.html",
        {"form": form, "post": post, "conflict": conflict},
        status=409 if conflict else 200,
    )


# --- detail -----------------------------------------------------------------------------------------------------


def _log(post: DemonstrationPost) -> list[dict]:
    steps = []
    for t in post.transitions.select_related("by").order_by("at", "id"):
        transition = POST_TRANSITIONS.get(t.action)
        steps.append(
            {
                "at": t.at,
                "who": t.by.get_full_name() if t.by else _("the system"),
                "label": transition.label if transition else _("Application filed"),
                "from_label": t.get_from_status_display(),
                "to_label": t.get_to_status_display(),
                "changed": t.from_status != t.to_status,
                "comment": t.comment,
            }
        )
    return steps


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(request, "post.list")
    post = get_object_or_404(
        scoped_posts(user).select_related("organization", "leader", "created_by"),
        pk=pk,
    )
    require(request, "post.view", post)
    may_review = can(user, "post.review", post)
    decide_actions = []
    if may_review:
        decide_actions = [t for t in available_post_actions(post, user) if not t.by_form and t.action in DECIDE_ACTIONS]
    outcome = ASSESSMENT_ACTIONS.get(post.status)
    return render(
        request,
        "honors/posts/detail.html",
        {
            "post": post,
            "memberships": list(
                PostMember.objects.filter(post=post).select_related("member__organization").order_by("id")
            ),
            "activities": list(
                PostActivity.objects.filter(post=post)
                .select_related("created_by")
                .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("id")))
            ),
            "assessments": list(
                PostAssessment.objects.filter(post=post)
                .select_related("assessed_by", "rubric")
                .prefetch_related(
                    Prefetch(
                        "scores",
                        queryset=PostAssessmentScore.objects.select_related("criterion").order_by(
                            "criterion__order", "criterion_id"
                        ),
                    )
                )
            ),
            "log": _log(post),
            "honors": list(honors_of(post)),
            "decide_actions": decide_actions,
            "comment_needed": any(t.needs_comment for t in decide_actions),
            "can_assess": may_review and outcome is not None,
            "assess_label": _("Assess (acceptance)") if post.status == PostStatus.BUILDING else _("Yearly review"),
            "can_edit": can(user, "post.edit", post),
            "can_record_activity": can(user, "post.record_activity", post),
        },
    )


@require_GET
def photo_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Activity photos are served only through this view, to users who may see the post (SECURITY.md §20)."""
    require(request, "post.list")
    photo = get_object_or_404(
        ActivityPhoto.objects.filter(activity__post__in=scoped_posts(request.user)).select_related(
            "activity__post__organization"
        ),
        pk=pk,
    )
    require(request, "post.view", photo.activity.post)
    return stored_file_response(
        photo.file, as_attachment=False, filename=photo.original_name, content_type=photo.content_type
    )


# --- reviewer steps ------------------------------------------------------------------------------------------


@require_POST
def post_decide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "post.review_any")
    require(request, "post.review", post)
    form = DecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _to_detail(post)
    action = form.cleaned_data["action"]
    try:
        post = services.post_transition(post=post, action=action, by=request.user, comment=form.cleaned_data["comment"])
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(name)s”: %(action)s.") % {"name": post.name, "action": POST_TRANSITIONS[action].label},
        )
    return _to_detail(post)


@require_http_methods(["GET", "POST"])
def post_assess(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "post.review_any")
    require(request, "post.review", post)
    outcome = ASSESSMENT_ACTIONS.get(post.status)
    if outcome is None:
        messages.info(
            request,
            _("This post is “%(status)s”: it cannot be assessed now.") % {"status": post.get_status_display()},
        )
        return _to_detail(post)
    try:
        rubric = services.post_rubric()
    except TransitionError as exc:
        messages.error(request, exc.message)
        return _to_detail(post)
    form = AssessmentForm(request.POST if request.method == "POST" else None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.post_assess(
                post=post,
                by=request.user,
                scores=form.scores(),
                comments=form.cleaned_data["comments"],
                year=form.cleaned_data["year"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("“%(name)s” assessed: %(total)s points. %(outcome)s")
                % {
                    "name": post.name,
                    "total": assessment.total,
                    "outcome": POST_TRANSITIONS[assessment.action].label,
                },
            )
            return _to_detail(post)
    return render(
        request,
        "honors/posts/assess.html",
        {
            "post": post,
            "form": form,
            "rubric": rubric,
            "max_total": sum((c.max_score for c in form.criteria), start=0),
            "pass_label": POST_TRANSITIONS[outcome[0]].label,
            "fail_label": POST_TRANSITIONS[outcome[1]].label,
            "is_yearly_review": post.status == PostStatus.TITLED,
        },
    )


# --- activity records ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "post.create")
    refused = _refused(
        request,
        post,
        "post.record_activity",
        _("Activities are recorded while a post is being built or titled."),
    )
    if refused:
        return refused
    is_post = request.method == "POST"
    form = ActivityForm(request.POST if is_post else None, request.FILES if is_post else None)
    if is_post and form.is_valid():
        try:
            activity = services.activity_add(
                post=post, by=request.user, data=form.activity_data(), photos=form.cleaned_data["photos"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc, {"files": "photos"})
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The activity “%(title)s” has been recorded.") % {"title": activity.title})
            return _to_detail(post)
    return render(request, "honors/posts/activity_form.html", {"post": post, "form": form})
