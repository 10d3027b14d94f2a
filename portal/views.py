"""Public pages (the explicit allow-list of SECURITY.md §7) and error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

# Every URL needs a login (LoginRequiredMiddleware) except views wrapped by `public`.
PUBLIC_VIEWS: set[str] = set()


def public(view: Callable) -> Callable:
    """Mark a view as reachable without login; the URL walk test checks this list."""
    wrapped = login_not_required(view)
    PUBLIC_VIEWS.add(f"{view.__module__}.{view.__qualname__}")
    return wrapped


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the public showcase's home; signed-in users go on to their workbench
    (the showcase stays open to them at /showcase/)."""
    if request.user.is_authenticated:
        return redirect("workbench:home")
    from portal.showcase.views import render_home

    return render_home(request)


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)
