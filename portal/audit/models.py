"""The append-only audit log (SECURITY.md §12–16).

Rows are only ever inserted. Database triggers (migration 0002) refuse every
UPDATE and every DELETE of a row younger than the retention period, whoever
asks: the portal, the Django admin, a cascade or a raw SQL session of the
application role.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogError(Exception):
    pass


class Event(models.TextChoices):
    LOGIN_SUCCESS = "login.success", _("Login succeeded")
    LOGIN_FAILURE = "login.failure", _("Login failed")
    LOGIN_LOCKOUT = "login.lockout", _("Login locked out")
    LOGOUT = "logout", _("Logout")
    PASSWORD_CHANGE = "password.change", _("Password changed")
    PASSWORD_RESET = "password.reset", _("Password reset by admin")
    ACCESS_DENIED = "access.denied", _("Access refused")
    USER_CREATE = "user.create", _("User created")
    USER_UPDATE = "user.update", _("User changed")
    ROLE_CHANGE = "user.role", _("Role or scope changed")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    CREATE = "object.create", _("Created")
    UPDATE = "object.update", _("Updated")
    DEACTIVATE = "object.deactivate", _("Deactivated")
    REACTIVATE = "object.reactivate", _("Reactivated")
    TRANSITION = "object.transition", _("State changed")
    EXPORT = "data.export", _("Exported")
    PERSONAL_DATA_VIEW = "personal.view", _("Personal data shown")
    AUDIT_PURGE = "audit.purge", _("Old audit events purged")


class Result(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices, db_index=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.SUCCESS)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.event}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditLogError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogError("audit events are append-only")
