"""Navigation per role: each entry appears only when the permissions module allows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.permissions import can

NAV = [
    # (label, url name, action required, icon, menu group or "")
    (_("Workbench"), "workbench:home", "workbench.view", "speedometer2", ""),
    (_("Organizations"), "branches:organization_list", "organization.list", "diagram-3", "people"),
    (_("Members"), "branches:member_list", "member.list", "people", "people"),
    (_("Import from Excel"), "imports:index", "import.any", "file-earmark-arrow-up", "people"),
    (_("Projects"), "projects:list", "project.list", "rocket-takeoff", "projects"),
    (_("Review"), "projects:review_queue", "project.review_queue", "clipboard-check", "projects"),
    (_("Publicity"), "projects:publicity", "project.list", "megaphone", "projects"),
    (_("Review rounds"), "rounds:list", "round.list", "calendar-check", "projects"),
    (_("Statistics"), "statistics:dashboard", "statistics.view", "bar-chart", "projects"),
    (_("Posts"), "honors:post_list", "post.list", "flag", "honours"),
    (_("Campaigns"), "honors:campaign_list", "campaign.list", "award", "honours"),
    (_("Honours"), "honors:honor_list", "honor.list", "trophy", "honours"),
    (_("Grading"), "honors:grade_list", "grade.list", "bar-chart-steps", "honours"),
    (_("Stories"), "showcase:story_list", "story.manage", "newspaper", "honours"),
    (_("Public showcase"), "showcase:home", "workbench.view", "globe", "honours"),
    (_("Audit log"), "audit:event_list", "audit.view", "journal-text", ""),
    (_("Administration"), "admin:index", "admin.site", "gear", ""),
]

# Menus that gather several entries (a group with a single entry shows as a plain link).
NAV_GROUPS = {
    "people": (pgettext_lazy("menu", "Organizations & people"), "diagram-3"),
    "projects": (pgettext_lazy("menu", "Innovation projects"), "rocket-takeoff"),
    "honours": (pgettext_lazy("menu", "Posts & honours"), "trophy"),
}


def _matches(path: str, url: str) -> bool:
    return path == "/" if url == "/" else path.startswith(url)


def permission_state(user) -> tuple:
    """What the navigation's rules read of a user. Every NAV action is a role-level rule (role and active flag;
    the scope is kept in for safety), so the entries are computed once per state; an entry guarded by a rule that
    reads anything else must not be added to NAV (tests/test_portal_navbar.py compares every role's entries)."""
    return (user.role, user.is_active, user.is_superuser, user.is_staff, user.scope_id)


_ENTRIES: dict[tuple, tuple] = {}


def entries_for(user) -> tuple[tuple[Any, str, str, str], ...]:
    """``(label, url, icon, group)`` of every entry the user may open, computed once per permission state and
    URL prefix in this process (the labels are lazy: they follow the language of each request)."""
    key = (permission_state(user), get_script_prefix())
    found = _ENTRIES.get(key)
    if found is None:
        found = tuple(
            (label, reverse(name), icon, group) for label, name, action, icon, group in NAV if can(user, action)
        )
        if len(_ENTRIES) >= 512:
            _ENTRIES.clear()
        _ENTRIES[key] = found
    return found


def current_url(entries, path: str) -> str | None:
    """Only the entry with the longest matching URL is the current page: /org/members/7/ is "Members",
    not also "Organizations" (/org/)."""
    matching = [url for _label, url, _icon, _group in entries if _matches(path, url)]
    return max(matching, key=len) if matching else None


def build_menu(entries, current: str | None) -> tuple[list[dict], list[dict]]:
    """``(items, menu)``: every entry flat, and the navbar with the grouped entries in their menus."""
    items, menu, groups = [], [], {}
    for label, url, icon, group in entries:
        active = url == current
        item = {"label": label, "url": url, "icon": icon, "active": active}
        items.append(item)
        if not group:
            menu.append(item)
            continue
        if group not in groups:
            group_label, group_icon = NAV_GROUPS[group]
            groups[group] = {"key": group, "label": group_label, "icon": group_icon, "children": [], "active": False}
            menu.append(groups[group])
        groups[group]["children"].append(item)
        groups[group]["active"] = groups[group]["active"] or active
    menu = [m["children"][0] if len(m.get("children", [None, None])) == 1 else m for m in menu]
    return items, menu


def user_navigation(user, path: str) -> tuple[str | None, list[dict], list[dict]]:
    """``(current URL, items, menu)`` for a signed-in user on ``path``."""
    entries = entries_for(user)
    current = current_url(entries, path)
    items, menu = build_menu(entries, current)
    return current, items, menu


def navigation(request: HttpRequest) -> dict:
    """``nav_items``: every page the user may open (flat, for the workbench); ``nav_menu``: the navbar, grouped
    (``{% navbar %}`` renders it, cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": []}
    _current, items, menu = user_navigation(user, request.path)
    return {"nav_items": items, "nav_menu": menu}


def csrf(request: HttpRequest) -> dict:
    """``csrf_token`` for every form of the page, masked once per request (``portal.pagecache.request_token``):
    a page kept whole in the cache can then carry a slot in its place (it replaces Django's own, which masks the
    secret anew for every form)."""
    from django.utils.functional import SimpleLazyObject

    from portal.pagecache import request_token

    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}
