"""Cached HTML that carries no one's CSRF token, and whole pages cached per user.

**CSRF slots.** A cached fragment or page must not hold the CSRF token of the request that rendered it (another
browser of the same user has another secret). ``{% csrf_token %}`` in a fragment renders ``CSRF_SLOT``
(``portal.statistics.cache.render_fragment``); a whole page is rendered with this request's token from
``request_token`` (``portal.context_processors.csrf`` gives the same one to every form), which ``remember`` turns
back into the slot. ``fill_csrf`` puts the token of the request being served in its place.

**Whole pages per user** (``page_key`` / ``cached_page`` / ``remember``), for the pages people reload most (the
project page). The key holds everything such a page is a function of: the signed-in user's row and scope (role,
scope, name: the permissions, the navbar), the full path, the unread count, the language, the day and the data's
fingerprint (``portal.statistics.cache``: any change of data gives a new one), plus what the view adds. A request
with flash messages to show is never served from, nor stored into, the cache. Entries live in the "pages" cache
(per process, bounded; settings.CACHES).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language


def slot(name: str) -> str:
    """A placeholder for per-request text in cached HTML. It is derived from the secret key, so that no user
    can type it into a name or an address (it would be filled like a real slot), yet every process agrees."""
    digest = hashlib.blake2b(f"{settings.SECRET_KEY}:slot:{name}".encode(), digest_size=8).hexdigest()
    return f"@@re-{name}-{digest}@@"


CSRF_SLOT = slot("csrf")
CACHE = "pages"
TIMEOUT = 60 * 60


def request_token(request: HttpRequest) -> str:
    """The CSRF token of this request, masked once (any masked form of the browser's secret is valid)."""
    token = getattr(request, "_redengine_csrf_token", None)
    if token is None:
        token = request._redengine_csrf_token = get_token(request)
    return token


def fill_csrf(html: str, request: HttpRequest) -> str:
    """Cached HTML with the CSRF token of this request in its slots."""
    if CSRF_SLOT not in html:
        return html
    return html.replace(CSRF_SLOT, request_token(request))


def _user_state(user) -> tuple:
    row = tuple(getattr(user, field.attname) for field in user._meta.concrete_fields)
    scope = user.scope if user.scope_id else None
    return row, (scope.path, scope.name, scope.is_active) if scope is not None else None


def _unread(user) -> int:
    known = getattr(user, "frame_unread_notifications", None)
    if known is not None:
        return known
    from portal.workbench.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def page_key(request: HttpRequest, name: str, stamp: str, *parts: Any) -> str | None:
    """The key of this user's page ``name`` for this request, or None when the page must be rendered (messages
    to show)."""
    if len(messages.get_messages(request)):  # counting does not mark them shown
        return None
    user = request.user
    state = (
        name,
        _user_state(user),
        request.get_full_path(),
        _unread(user),
        get_language(),
        get_script_prefix(),
        timezone.localdate().isoformat(),
        stamp,
        parts,
    )
    return "page:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def cached_page(request: HttpRequest, key: str | None) -> HttpResponse | None:
    if key is None:
        return None
    html = caches[CACHE].get(key)
    if html is None:
        return None
    return HttpResponse(fill_csrf(html, request))


def remember(request: HttpRequest, key: str | None, response: HttpResponse) -> HttpResponse:
    """Keep a successful page under ``key``, its CSRF token turned back into the slot."""
    if key is None or response.status_code != 200 or response.streaming:
        return response
    html = response.content.decode(response.charset)
    token = getattr(request, "_redengine_csrf_token", None)
    if token:
        html = html.replace(token, CSRF_SLOT)
    caches[CACHE].set(key, html, TIMEOUT)
    return response
