"""The auditor's pages: the audit log and the change history of one object (三员分立: auditor only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branches.models import mask_phone
from portal.permissions import require

from .filters import AuditEventFilter
from .log import SENSITIVE_KEYS
from .models import AuditEvent

PAGE_SIZE = 50
HISTORY_LIMIT = 500
OBJECT_TYPE_RE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


@dataclass
class DetailLine:
    label: str
    old: Any = None
    new: Any = None
    value: Any = None
    is_change: bool = False


@dataclass
class HistoryRow:
    when: Any
    who: str
    kind: str
    lines: list[DetailLine] = field(default_factory=list)


def _masked(key: str, value: Any) -> Any:
    """Personal data never shown whole, even to the auditor (SECURITY.md §16, §24)."""
    if "password" in key:
        return "***"
    if key in SENSITIVE_KEYS and isinstance(value, str):
        return mask_phone(value) if value != "***" else value
    return value


def detail_lines(detail: dict[str, Any] | None) -> list[DetailLine]:
    """An audit row's detail as lines: "field: old → new" for changes, "key: value" otherwise."""
    lines: list[DetailLine] = []
    if not isinstance(detail, dict):
        return lines
    for key, value in detail.items():
        if key == "changes" and isinstance(value, dict):
            for name, pair in value.items():
                if isinstance(pair, (list, tuple)) and len(pair) == 2:
                    lines.append(
                        DetailLine(name, old=_masked(name, pair[0]), new=_masked(name, pair[1]), is_change=True)
                    )
                else:
                    lines.append(DetailLine(name, value=_masked(name, pair)))
        else:
            lines.append(DetailLine(key, value=_masked(key, value)))
    return lines


def _with_details(events) -> list[tuple[AuditEvent, list[DetailLine]]]:
    return [(event, detail_lines(event.detail)) for event in events]


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    require(request, "audit.view")
    queryset = AuditEvent.objects.select_related("user").order_by("-created_at", "-id")
    event_filter = AuditEventFilter(request.GET or None, queryset=queryset)
    page = Paginator(event_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "filter": event_filter,
            "page": page,
            "rows": _with_details(page.object_list),
            "display_tz": settings.TIME_ZONE,
        },
    )


# --- one object's history ---------------------------------------------------------------------


def _history_model(object_type: str) -> type[models.Model] | None:
    """The simple_history model of an object type, if the type has one."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def _display(field_obj: models.Field, value: Any) -> Any:
    if value is None or value == "":
        return value
    if field_obj.choices:
        return dict(field_obj.flatchoices).get(value, value)
    return _masked(field_obj.name, value)


def history_rows(object_type: str, object_id: str) -> list[HistoryRow]:
    """simple_history records of the object, oldest first, each with what changed (one query)."""
    history_model = _history_model(object_type)
    if history_model is None:
        return []
    original = history_model.instance_type
    try:
        pk_value = original._meta.pk.to_python(object_id)
    except ValidationError:
        return []
    records = list(
        history_model.objects.filter(**{original._meta.pk.attname: pk_value})
        .select_related("history_user")
        .order_by("history_date", "history_id")[:HISTORY_LIMIT]
    )
    tracked = [f for f in history_model.tracked_fields if not f.primary_key]
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    rows: list[HistoryRow] = []
    previous = None
    for record in records:
        lines = []
        for field_obj in tracked:
            new = getattr(record, field_obj.attname)
            if previous is None:
                if new not in (None, ""):
                    lines.append(DetailLine(str(field_obj.verbose_name), value=_display(field_obj, new)))
                continue
            old = getattr(previous, field_obj.attname)
            if old != new:
                lines.append(
                    DetailLine(
                        str(field_obj.verbose_name),
                        old=_display(field_obj, old),
                        new=_display(field_obj, new),
                        is_change=True,
                    )
                )
        user = record.history_user
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=user.get_username() if user is not None else "",
                kind=kinds.get(record.history_type, record.history_type),
                lines=lines,
            )
        )
        previous = record
    return rows


@require_GET
def object_history(request: HttpRequest) -> HttpResponse:
    require(request, "audit.view")
    object_type = request.GET.get("type", "").strip().lower()
    object_id = request.GET.get("id", "").strip()
    valid = bool(OBJECT_TYPE_RE.fullmatch(object_type)) and 0 < len(object_id) <= 64
    context: dict[str, Any] = {
        "object_type": object_type,
        "object_id": object_id,
        "valid": valid,
        "display_tz": settings.TIME_ZONE,
    }
    if valid:
        events = (
            AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
            .select_related("user")
            .order_by("-created_at", "-id")
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            rows=_with_details(page.object_list),
            history=history_rows(object_type, object_id),
            object_label=next((event.object_repr for event in page.object_list if event.object_repr), ""),
        )
    elif object_type or object_id:
        context["error"] = _("Give an object type such as “branches.member” and the object's id.")
    return render(request, "audit/object_history.html", context)
