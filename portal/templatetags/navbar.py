"""``{% navbar %}``: the navbar of base.html, rendered once and kept in the "frame" cache.

Rendering the navbar (16 permission checks, 20 URLs, the grouped menus, the user menu) cost more than the rest
of a cached page. Its HTML depends only on what ``_key`` holds — the user's permission state, name, role and
scope, the language, the URL prefix and the current entry — so it is rendered once per such state with three
slots that are filled on every request: the CSRF token of the two forms, this page's path (the language switch
returns to it) and the unread-notifications badge.
"""

from __future__ import annotations

import hashlib
import re

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.context_processors import build_menu, current_url, entries_for, permission_state
from portal.pagecache import CSRF_SLOT, request_token, slot

register = template.Library()

TEMPLATE = "includes/_navbar.html"
TIMEOUT = 60 * 60
SLOTS = {"csrf": CSRF_SLOT, "next": slot("next"), "badge": slot("badge")}
_FILL = re.compile("|".join(re.escape(value) for value in SLOTS.values()))


def _badge(count: int) -> str:
    if not count:
        return ""
    return format_html(
        ' <span class="badge rounded-pill text-bg-warning" data-testid="unread-badge">{}'
        '<span class="visually-hidden"> {}</span></span>',
        count,
        gettext("unread"),
    )


def _key(user, current: str | None) -> str:
    if user is not None and user.is_authenticated:
        scope = str(user.scope) if user.scope_id else ""
        state = (permission_state(user), user.get_full_name(), scope, current)
    else:
        state = ("anonymous",)
    raw = repr((state, get_language(), get_script_prefix()))
    return "navbar:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def _render(user, menu: list[dict]) -> str:
    context = template.Context({"user": user, "nav_menu": menu, "slots": SLOTS}, autoescape=True)
    return get_template(TEMPLATE).template.render(context)


@register.simple_tag(takes_context=True)
def navbar(context) -> SafeString:
    request = context["request"]
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    entries = entries_for(user) if signed_in else ()
    current = current_url(entries, request.path) if signed_in else None
    key = _key(user, current)
    cache = caches["frame"]
    html = cache.get(key)
    if html is None:
        html = _render(user, build_menu(entries, current)[1])
        cache.set(key, html, TIMEOUT)
    unread = context.get("unread_notifications", 0)
    count = unread() if callable(unread) else unread
    values = {
        SLOTS["csrf"]: request_token(request),
        SLOTS["next"]: escape(request.get_full_path()),
        SLOTS["badge"]: _badge(count),
    }
    # One pass: text put into a slot is never scanned again (a path may hold anything).
    return mark_safe(_FILL.sub(lambda m: values[m.group(0)], html))  # noqa: S308 (rendered by the template engine; the slots are escaped above)
