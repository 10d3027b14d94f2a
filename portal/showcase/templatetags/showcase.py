"""``{% showcase_publish obj as state %}``: whether the current user may publish ``obj`` on the showcase."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from honors.models import DemonstrationPost, Honor
from portal.permissions import can
from projects.models import Project

from ..selectors import PUBLIC_POST_STATUSES, PUBLIC_PROJECT_STATUSES

register = template.Library()


@dataclass(frozen=True)
class PublishState:
    allowed: bool
    url: str = ""
    public_url: str = ""
    is_public: bool = False


@register.simple_tag(takes_context=True)
def showcase_publish(context, obj) -> PublishState:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or obj is None or not can(user, "showcase.publish", obj):
        return PublishState(False)
    if isinstance(obj, Project):
        publishable = obj.status in PUBLIC_PROJECT_STATUSES
        url, public_url = reverse("showcase:project_publish", args=[obj.pk]), reverse("showcase:project", args=[obj.pk])
    elif isinstance(obj, DemonstrationPost):
        publishable = obj.status in PUBLIC_POST_STATUSES
        url, public_url = reverse("showcase:post_publish", args=[obj.pk]), reverse("showcase:posts")
    elif isinstance(obj, Honor):
        publishable = obj.is_active
        url, public_url = reverse("showcase:honor_publish", args=[obj.pk]), reverse("showcase:honours")
    else:
        return PublishState(False)
    if not (obj.is_public or publishable):
        return PublishState(False)
    return PublishState(True, url, public_url if obj.is_public and publishable else "", obj.is_public)
