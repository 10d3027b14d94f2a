"""``{% import_button "members" %}``: the "Import from Excel" button of a list page, for those who may import."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from portal.permissions import can
from portal.spreadsheets.kinds import KINDS

register = template.Library()


@register.inclusion_tag("spreadsheets/_import_button.html", takes_context=True)
def import_button(context, kind: str) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = user is not None and kind in KINDS and can(user, KINDS[kind].permission)
    url = f"{reverse('imports:index')}?{urlencode({'kind': kind})}" if allowed else ""
    return {"allowed": allowed, "url": url, "kind": kind}
