"""Write audit events. Call inside the business transaction: if the write fails, the change rolls back."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, Event, Result
from .request_context import current_request_meta

SENSITIVE_KEYS = {"password", "password1", "password2", "old_password", "new_password1", "new_password2", "phone"}


def _clean(detail: dict[str, Any] | None) -> dict[str, Any]:
    if not detail:
        return {}
    cleaned: dict[str, Any] = {}
    for key, value in detail.items():
        if key in SENSITIVE_KEYS:
            cleaned[key] = "***"
        elif isinstance(value, dict):
            cleaned[key] = _clean(value)
        else:
            cleaned[key] = value
    return cleaned


def record(
    *,
    event: Event | str,
    user=None,
    obj: models.Model | None = None,
    result: Result | str = Result.SUCCESS,
    detail: dict[str, Any] | None = None,
    username: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    meta = current_request_meta()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:64],
        ip_address=ip_address or meta.ip_address,
        request_id=meta.request_id,
        event=event,
        result=result,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=_clean(detail),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; personal data masked."""
    changes: dict[str, list[Any]] = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            if key in SENSITIVE_KEYS:
                changes[key] = ["***", "***"]
            else:
                changes[key] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
