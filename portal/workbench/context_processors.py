"""The unread-notifications badge of the navbar.

Register ``portal.workbench.context_processors.unread_notifications`` in TEMPLATES. The count normally came
with the session (``portal.sessions`` reads it in the same query as the user); otherwise it is queried lazily,
at most once per page, and only when a template uses it.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        known = getattr(user, "frame_unread_notifications", None)
        if known is not None:
            return known
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": count}
