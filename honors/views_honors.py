"""The honours roll (荣誉榜), external honours, revocation, certificates and the honours ledger (荣誉台账).

Thin: parse, authorize, fetch through ``scoped_honors`` (another scope's revoked honour is 404), call a
service or selector, render. Role-level checks come before the scoped fetch, object-level ones after.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit.log import record
from portal.audit.models import Event
from portal.downloads import stored_file_response
from portal.ledger import ledger_response
from portal.permissions import can, require, scope_q, scoped_honors
from portal.statistics import cache as stats_cache
from portal.statistics.cache import page_fragment, render_fragment

from . import selectors, services
from .forms_honors import HonorFilter, HonorForm, RevokeForm, roll_order
from .models import Honor, HonorSource, RecipientKind
from .workflow import TransitionError

PAGE_SIZE = 30
INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")

# Recipients' own organizations, so that can() answers without a query per row.
RECIPIENT_ORGS = ("member__organization", "project__organization", "post__organization")


# --- helpers -----------------------------------------------------------------------------------------


def _require_role(request: HttpRequest, role_action: str, action: str) -> None:
    """403 before any lookup when the role can never take ``action`` (the refusal is audited under its name)."""
    if not can(request.user, role_action):
        require(request, action)
        raise PermissionDenied(action)  # pragma: no cover - require() has raised already


def apply_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on a visible field when it has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields and not form.fields[field].widget.is_hidden else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def recipient_url(user, honor: Honor) -> str | None:
    """The recipient's page, when the user may open it (recipients' organizations are select_related)."""
    recipient = honor.recipient
    if recipient is None:
        return None
    kind = honor.recipient_kind
    if kind == RecipientKind.MEMBER and can(user, "member.view", recipient):
        return reverse("branches:member_detail", args=[recipient.pk])
    if kind == RecipientKind.BRANCH and can(user, "organization.view", recipient):
        return reverse("branches:organization_detail", args=[recipient.pk])
    if kind == RecipientKind.PROJECT and can(user, "project.view", recipient):
        return reverse("projects:detail", args=[recipient.pk])
    if kind == RecipientKind.POST and can(user, "post.view", recipient):
        return reverse("honors:post_detail", args=[recipient.pk])
    return None


def recipient_name(honor: Honor) -> str:
    recipient = honor.recipient
    if recipient is None:
        return ""
    if honor.recipient_kind == RecipientKind.PROJECT:
        return recipient.title
    return recipient.name


def _roll_queryset(user):
    return selectors.honor_roll(scoped_honors(user)).select_related(*RECIPIENT_ORGS)


# --- the roll ------------------------------------------------------------------------------------------------


@require_GET
def honor_list(request: HttpRequest) -> HttpResponse:
    require(request, "honor.list")
    user = request.user
    stamp = stats_cache.fingerprint()
    honor_filter = HonorFilter(request.GET, queryset=_roll_queryset(user), request=request, stamp=stamp)
    results = roll_order(honor_filter.qs) if honor_filter.is_valid() else Honor.objects.none()

    def get_page():
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        for honor in page.object_list:
            honor.recipient_link = recipient_url(user, honor)
            honor.recipient_label = recipient_name(honor)
        return page

    page = SimpleLazyObject(get_page)

    def build() -> dict:
        return {
            "count": page.paginator.count,
            "html": render_fragment("honors/honours/_table.html", {"page": page}, request),
        }

    # The table (with the recipients' links the user's role and scope allow) and its total: cached per role,
    # scope, filters and the data's fingerprint (every honour service writes an audit row: a new fingerprint).
    table = page_fragment(
        "honour-roll",
        user.role,
        user.scope_id,
        user.member_id,
        sorted(request.GET.lists()),
        get_language(),
        stamp,
        build=build,
    )
    return render(
        request,
        "honors/honours/list.html",
        {
            "filter": honor_filter,
            "page": page,
            "total": table["count"],
            "table_html": mark_safe(table["html"]),  # noqa: S308 (rendered by the template engine)
            "can_create": can(user, "honor.create_any"),
            "can_export": can(user, "honor.export"),
        },
    )


# --- entering an external honour -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def honor_create(request: HttpRequest) -> HttpResponse:
    require(request, "honor.create_any")
    user = request.user
    form = HonorForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            honor = services.honor_create_external(
                by=user, data=form.honor_data(), certificate=form.cleaned_data.get("certificate")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The honour “%(title)s” has been entered.") % {"title": honor.title})
            return redirect("honors:honor_detail", pk=honor.pk)
    return render(request, "honors/honours/form.html", {"form": form}, status=400 if form.errors else 200)


# --- detail, revocation, certificate ------------------------------------------------------------------------------


def _detail_queryset(user):
    return _roll_queryset(user).select_related(
        "created_by", "nomination__organization", "nomination__offer__campaign__organization"
    )


def _detail_response(request: HttpRequest, honor: Honor, revoke_form: RevokeForm | None = None) -> HttpResponse:
    user = request.user
    may_revoke = honor.is_active and can(user, "honor.revoke", honor)
    nomination = honor.nomination
    campaign = nomination.offer.campaign if nomination is not None else None
    return render(
        request,
        "honors/honours/detail.html",
        {
            "honor": honor,
            "recipient_link": recipient_url(user, honor),
            "recipient_label": recipient_name(honor),
            "nomination": nomination,
            "nomination_link": nomination is not None and can(user, "nomination.view", nomination),
            "campaign": campaign,
            "campaign_link": campaign is not None and can(user, "campaign.view", campaign),
            "from_post": honor.source == HonorSource.POST and honor.post_id is not None,
            "revoke_form": (revoke_form or RevokeForm()) if may_revoke else None,
        },
        status=400 if revoke_form is not None and revoke_form.errors else 200,
    )


@require_GET
def honor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "honor.list")
    honor = get_object_or_404(_detail_queryset(request.user), pk=pk)
    require(request, "honor.view", honor)
    return _detail_response(request, honor)


@require_POST
def honor_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request, "honor.create_any", "honor.revoke")
    honor = get_object_or_404(_detail_queryset(request.user), pk=pk)
    require(request, "honor.revoke", honor)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, honor, form)
    try:
        services.honor_revoke(honor=honor, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail_response(request, honor, form)
    except TransitionError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("The honour has been revoked. It stays in the ledger, marked revoked."))
    return redirect("honors:honor_detail", pk=honor.pk)


@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate image, inline, to users who may see the honour."""
    require(request, "honor.list")
    honor = get_object_or_404(scoped_honors(request.user).exclude(certificate=""), pk=pk)
    require(request, "honor.view", honor)
    content_type = honor.certificate_type if honor.certificate_type in INLINE_TYPES else "application/octet-stream"
    return stored_file_response(
        honor.certificate,
        as_attachment=content_type == "application/octet-stream",
        filename=honor.certificate_name or "certificate",
        content_type=content_type,
    )


# --- the ledger -------------------------------------------------------------------------------------------------------

LEDGER_HEADERS = (
    gettext_lazy("Year"),
    gettext_lazy("Quarter"),
    gettext_lazy("Honour"),
    gettext_lazy("Level"),
    gettext_lazy("Grade"),
    gettext_lazy("Awarded to"),
    gettext_lazy("Recipient"),
    gettext_lazy("Branch"),
    gettext_lazy("Granted by"),
    gettext_lazy("Granted on"),
    gettext_lazy("Source"),
    gettext_lazy("Validity"),
)
LEDGER_WIDTHS = (8, 8, 30, 14, 10, 14, 28, 20, 26, 12, 14, 10)


def _ledger_row(honor: Honor) -> list:
    return [
        honor.year,
        f"Q{honor.quarter}" if honor.quarter else "",
        honor.title,
        honor.get_level_display(),
        honor.grade,
        honor.get_recipient_kind_display(),
        recipient_name(honor),
        honor.organization.name,
        honor.granted_by,
        honor.granted_on,
        honor.get_source_display(),
        _("Valid") if honor.is_active else _("Revoked"),
    ]


@require_GET
def honor_export(request: HttpRequest) -> HttpResponse:
    require(request, "honor.export")
    user = request.user
    queryset = selectors.honor_roll(scoped_honors(user).filter(scope_q(user)))
    honor_filter = HonorFilter(request.GET, queryset=queryset, request=request)
    if not honor_filter.is_valid():
        messages.warning(request, _("Some filters are not valid; correct them before exporting."))
        return redirect(f"{reverse('honors:honor_list')}?{request.GET.urlencode()}")
    honors = roll_order(honor_filter.qs)
    filters = {name: value for name, value in honor_filter.form.cleaned_data.items() if value not in (None, "")}
    record(
        event=Event.EXPORT,
        user=user,
        detail={"ledger": "honours", "filters": {k: str(getattr(v, "pk", v)) for k, v in filters.items()}},
    )
    title = _("Honours ledger")
    return ledger_response(
        filename=f"{title} {timezone.localdate():%Y-%m-%d}.xlsx",
        title=title,
        headers=[str(h) for h in LEDGER_HEADERS],
        rows=(_ledger_row(honor) for honor in honors.iterator(chunk_size=500)),
        widths=LEDGER_WIDTHS,
    )
