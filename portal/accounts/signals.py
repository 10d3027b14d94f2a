"""Audit rows for authentication events (the only signal receivers: they record, they decide nothing)."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit.log import record
from portal.audit.models import Event, Result

from .models import normalize_username


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    record(event=Event.LOGIN_SUCCESS, user=user)


@receiver(user_logged_in)
def mark_session_start(sender, request, user, **kwargs) -> None:
    """The absolute session lifetime (SessionLifetimeMiddleware) counts from the login."""
    from portal.middleware import SESSION_STARTED_KEY

    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_STARTED_KEY] = time.time()


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(event=Event.LOGOUT, user=user)


@receiver(user_login_failed)
def audit_login_failure(sender, credentials, request=None, **kwargs) -> None:
    username = normalize_username((credentials or {}).get("username", ""))
    record(event=Event.LOGIN_FAILURE, username=username, result=Result.FAILURE)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    record(
        event=Event.LOGIN_LOCKOUT,
        username=normalize_username(username or ""),
        ip_address=ip_address,
        result=Result.DENIED,
    )
