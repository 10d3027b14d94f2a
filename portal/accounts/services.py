"""Account changes that touch several rows: passwords (with history), roles, deactivation."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.log import diff, record
from portal.audit.models import Event

from .models import PasswordHistory, User, UserSession

PASSWORD_HISTORY_KEEP = 5


@transaction.atomic
def password_set(*, user: User, raw_password: str, by: User | None, forced_change: bool = False) -> None:
    """Set a password after validating it; keep the old hash in the history.

    ``forced_change`` is for an admin reset: the user must change it at next login.
    """
    validate_password(raw_password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.all()[PASSWORD_HISTORY_KEEP:]
        PasswordHistory.objects.filter(pk__in=[p.pk for p in stale]).delete()
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = forced_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    own = by is not None and by.pk == user.pk
    record(event=Event.PASSWORD_CHANGE if own else Event.PASSWORD_RESET, user=by, obj=user)


ROLE_FIELDS = ("role", "scope", "is_staff", "is_superuser", "is_active")


def snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "scope": str(user.scope) if user.scope_id else None,
        "member": str(user.member) if user.member_id else None,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
    }


@transaction.atomic
def user_save(*, user: User, before: dict | None, by: User | None) -> User:
    """Save a user edited by a system admin and audit what changed (role and scope changes apart)."""
    from .models import ADMIN_SITE_ROLES

    user.is_staff = user.role in ADMIN_SITE_ROLES
    user.full_clean(exclude=["password"])
    user.save()
    after = snapshot(user)
    if before is None:
        record(event=Event.USER_CREATE, user=by, obj=user, detail={"changes": diff({}, after)})
        return user
    changes = diff(before, after)
    if not changes:
        return user
    role_changes = {k: v for k, v in changes.items() if k in ROLE_FIELDS}
    if role_changes:
        record(event=Event.ROLE_CHANGE, user=by, obj=user, detail={"changes": role_changes})
    if before.get("is_active") and not user.is_active:
        end_sessions(user=user)
        record(event=Event.USER_DEACTIVATE, user=by, obj=user)
    other = {k: v for k, v in changes.items() if k not in ROLE_FIELDS}
    if other:
        record(event=Event.USER_UPDATE, user=by, obj=user, detail={"changes": other})
    return user


def end_sessions(*, user: User) -> int:
    """Delete every server-side session of the user (deactivation, forced logout): the sessions carry
    the user's id in a column of their own (``UserSession``)."""
    ended, _by_model = UserSession.objects.filter(user=user).delete()
    return ended


TEMPORARY_PASSWORD_LENGTH = 14
# Read aloud or copied by hand: no look-alikes (l 1 I, O 0 o) and no HTML-special characters.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#$%*+-=?@_"
_ALPHABET = _LOWER + _UPPER + _DIGITS + _SYMBOLS


def generate_temporary_password(*, user: User) -> str:
    """A random password that passes every validator (four character classes, no context word)."""
    for _attempt in range(100):
        chars = [secrets.choice(_LOWER), secrets.choice(_UPPER), secrets.choice(_DIGITS), secrets.choice(_SYMBOLS)]
        chars += [secrets.choice(_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate
    raise RuntimeError("could not generate a temporary password")  # pragma: no cover - astronomically unlikely


@transaction.atomic
def password_reset(*, user: User, by: User) -> str:
    """An admin reset: a random temporary password the user must change at the next sign-in.

    Returns the temporary password so that it can be shown once; it is never stored in clear
    or logged. Failed sign-in attempts of the account are cleared (the lockout ends).
    """
    from axes.utils import reset as axes_reset

    temporary = generate_temporary_password(user=user)
    password_set(user=user, raw_password=temporary, by=by, forced_change=True)
    axes_reset(username=user.username)
    return temporary


@transaction.atomic
def user_deactivate(*, user: User, by: User | None) -> User:
    """Deactivate (never delete) an account: audited, and all its sessions end."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(locked)
    locked.is_active = False
    return user_save(user=locked, before=before, by=by)
