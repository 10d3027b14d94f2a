"""The workbench (home after login) and the notifications page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.permissions import require

from .models import Notification
from .selectors import workbench_for
from .services import notifications_mark_read

NOTIFICATIONS_PAGE_SIZE = 30


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require(request, "workbench.view")
    wb = workbench_for(request.user)
    return render(request, "workbench/home.html", {"wb": wb, "shortcut_urls": [url for _label, url in wb.shortcuts]})


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications, unread first, newest first within each group."""
    require(request, "workbench.view")
    queryset = Notification.objects.filter(recipient=request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )
    page = Paginator(queryset, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return render(request, "workbench/notifications.html", {"page": page, "unread": unread})


@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    require(request, "workbench.view")
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("%(count)s notification(s) marked as read.") % {"count": count})
    return redirect("workbench:notifications")


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read and follow its link (another user's id is 404)."""
    require(request, "workbench.view")
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("workbench:notifications")
