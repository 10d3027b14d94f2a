"""Request-wide concerns: request ids for the audit log, the user read with the session, session lifetime,
forced password change."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from portal.accounts.backends import session_user
from portal.audit.request_context import RequestMeta, reset_request_meta, set_request_meta

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED_KEY = "redengine_session_started"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Give every request an id (echoed in X-Request-ID) and expose it to audit writes."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex
        token = set_request_meta(RequestMeta(ip_address=client_ip(request), request_id=request.request_id))
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = request.request_id
        return response


def _get_user(request: HttpRequest):
    """Django's ``auth.get_user``, given the user that ``portal.sessions`` read with the session row."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(auth.SESSION_KEY)  # loads the session (and its user) once
        with session_user(getattr(session, "frame_user", None)):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """``request.user`` without a second query: see ``portal.sessions`` and ``portal.accounts.backends``."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


class SessionLifetimeMiddleware:
    """Absolute session lifetime on top of the sliding idle timeout (SESSION_COOKIE_AGE).

    The check runs in ``process_view`` so that MessageMiddleware (listed later) has
    already attached its storage to the request when the expiry message is added.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        started = request.session.get(SESSION_STARTED_KEY)
        now = time.time()
        if not isinstance(started, (int, float)):
            request.session[SESSION_STARTED_KEY] = now
        elif now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
            logout(request)
            messages.info(request, _("Your session has ended; please sign in again."))
            return redirect(settings.LOGIN_URL)
        return None


class PasswordChangeRequiredMiddleware:
    """First login, admin reset and expiry (90 days by default) force a password change."""

    ALLOWED_URL_NAMES = {"accounts:password_change", "accounts:logout", "accounts:login", "set_language"}

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if not (user.must_change_password or user.password_expired(settings.PASSWORD_MAX_AGE_DAYS)):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED_URL_NAMES:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        return redirect("accounts:password_change")


class NoStoreMiddleware:
    """Pages for signed-in users may carry personal data: never cache them (SECURITY.md §23)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
