"""django-axes hooks: normalized usernames and a Chinese lockout page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import normalize_username


def get_username(request: HttpRequest, credentials: dict | None = None) -> str:
    raw = ""
    if credentials:
        raw = credentials.get("username", "") or ""
    elif request is not None:
        raw = request.POST.get("username", "") or ""
    return normalize_username(raw)


def lockout_response(request: HttpRequest, response=None, credentials: dict | None = None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def locked_out_response_type() -> type[HttpResponse]:
    return HttpResponse
