"""Navigation per role: each entry appears only when the permissions module allows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import can

NAV = [
    # (label, url name, action required, icon)
    (_("Workbench"), "workbench:home", "workbench.view", "speedometer2"),
    (_("Organizations"), "branches:organization_list", "organization.list", "diagram-3"),
    (_("Members"), "branches:member_list", "member.list", "people"),
    (_("Projects"), "projects:list", "project.list", "rocket-takeoff"),
    (_("Review"), "projects:review_queue", "project.review_queue", "clipboard-check"),
    (_("Publicity"), "projects:publicity", "project.list", "megaphone"),
    (_("Review rounds"), "rounds:list", "round.list", "calendar-check"),
    (_("Posts"), "honors:post_list", "post.list", "flag"),
    (_("Campaigns"), "honors:campaign_list", "campaign.list", "award"),
    (_("Honours"), "honors:honor_list", "honor.list", "trophy"),
    (_("Grading"), "honors:grade_list", "grade.list", "bar-chart-steps"),
    (_("Audit log"), "audit:event_list", "audit.view", "journal-text"),
    (_("Administration"), "admin:index", "admin.site", "gear"),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    current = request.path
    for label, name, action, icon in NAV:
        if can(user, action):
            url = reverse(name)
            active = current.startswith(url) if url != "/" else current == "/"
            items.append({"label": label, "url": url, "icon": icon, "active": active})
    return {"nav_items": items}
