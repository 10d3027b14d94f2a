"""Notifications: in-app always, by e-mail too when SMTP is configured."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User

from .models import Notification


def notify(*, users: Iterable[User], text: str, url: str = "", exclude: User | None = None) -> int:
    recipients = {u.pk: u for u in users if u.is_active and (exclude is None or u.pk != exclude.pk)}
    Notification.objects.bulk_create(
        [Notification(recipient=u, text=text[:300], url=url[:300]) for u in recipients.values()]
    )
    emails = [u.email for u in recipients.values() if u.email]
    if settings.EMAIL_HOST and emails:
        transaction.on_commit(
            lambda: send_mail(
                subject=_("[Red Engine] %(text)s") % {"text": text[:80]},
                message=f"{text}\n\n{url}",
                from_email=None,
                recipient_list=emails,
                fail_silently=True,
            )
        )
    return len(recipients)


def users_covering(org, roles: Iterable[str]) -> list[User]:
    """Active users of these roles whose scope contains the organization."""
    ancestors = [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]
    return list(
        User.objects.filter(Q(scope__path__in=ancestors), role__in=list(roles), is_active=True).select_related("scope")
    )


def branch_secretaries(org) -> list[User]:
    return [u for u in users_covering(org, [Role.SECRETARY]) if u.scope_id == org.pk or u.scope.path == org.path]


NEXT_ACTORS = {
    "submit": "reviewers",
    "request_completion": "reviewers",
    "return": "branch",
    "reject": "branch",
    "approve": "branch",
    "start": "branch",
    "return_completion": "branch",
    "accept": "branch",
    "evaluate": "branch",
    "terminate": "branch",
}


def notify_project_transition(*, project, action: str, by) -> int:
    from projects.workflow import TRANSITIONS

    who = NEXT_ACTORS.get(action)
    if who is None:
        return 0
    if who == "reviewers":
        users = users_covering(project.organization, [Role.REVIEWER, Role.COMMITTEE_ADMIN])
    else:
        users = branch_secretaries(project.organization) + ([project.created_by] if project.created_by_id else [])
    text = _("%(project)s: %(action)s") % {"project": project.title, "action": TRANSITIONS[action].label}
    return notify(users=users, text=text, url=reverse("projects:detail", args=[project.pk]), exclude=by)


def notify_objection(*, objection) -> int:
    project = objection.project
    users = users_covering(project.organization, [Role.COMMITTEE_ADMIN])
    text = _("Objection to %(project)s during publicity") % {"project": project.title}
    return notify(users=users, text=text, url=reverse("projects:detail", args=[project.pk]))


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
