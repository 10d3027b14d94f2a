"""Logins: one role and one scope per account (ROLES.md)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_username(username: str) -> str:
    """全角/半角 look-alikes and case count as the same name (SECURITY.md §1)."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    SECRETARY = "secretary", _("Branch secretary")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE_ADMIN = "committee_admin", _("Committee admin")
    SYSADMIN = "sysadmin", _("System admin")
    AUDITOR = "auditor", _("Auditor")


# Roles whose scope is the whole system: they never need an organization.
SYSTEM_WIDE_ROLES = {Role.SYSADMIN, Role.AUDITOR}
# Roles that may sign in to the Django admin (configuration, bulk fixes).
ADMIN_SITE_ROLES = {Role.SYSADMIN, Role.COMMITTEE_ADMIN}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        return self.get(username=normalize_username(username))

    def create_user(self, username: str, password: str | None = None, **extra) -> User:
        if not username:
            raise ValueError("username is required")
        user = self.model(username=normalize_username(username), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra) -> User:
        extra.setdefault("role", Role.SYSADMIN)
        extra.update(is_superuser=True, is_staff=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"),
        max_length=64,
        unique=True,
        help_text=_("Letters, digits and . _ - only; case and full-width forms are ignored."),
    )
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    scope = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoped_users",
        help_text=_("The organization whose subtree this user sees and acts on."),
    )
    member = models.OneToOneField(
        "branches.Member",
        verbose_name=_("member record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("created at"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            # 三员分立: the superuser flag belongs to the system admin role only.
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role="sysadmin"),
                name="accounts_user_superuser_is_sysadmin",
            ),
            # Business roles always carry a scope.
            models.CheckConstraint(
                condition=models.Q(role__in=["sysadmin", "auditor"]) | models.Q(scope__isnull=False),
                name="accounts_user_business_role_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.username} ({self.username})"

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return normalize_username(username)

    def clean(self) -> None:
        super().clean()
        self.username = normalize_username(self.username)
        if self.role not in SYSTEM_WIDE_ROLES and self.scope_id is None:
            raise ValidationError({"scope": _("This role needs a scope (an organization).")})
        if self.is_superuser and self.role != Role.SYSADMIN:
            raise ValidationError({"role": _("Only a system admin account may be a superuser.")})
        clash = User.objects.filter(username=self.username).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"username": _("A user with that username already exists.")})

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def password_expired(self, max_age_days: int) -> bool:
        if max_age_days <= 0 or self.password_changed_at is None:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=max_age_days)


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last N cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class UserSession(AbstractBaseSession):
    """A server-side session (``SESSION_ENGINE = "portal.sessions"``) that keeps the signed-in user's id in a
    column of its own: the session, its user, the user's scope and unread count are read in one query on
    every request (``portal.sessions.SessionStore``), and ending a user's sessions is one indexed DELETE."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from portal.sessions import SessionStore

        return SessionStore
