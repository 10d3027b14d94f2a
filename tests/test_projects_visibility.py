"""Who may open which project: the detail page's fetch (``projects.views._visible_project`` over
``projects.selectors.project_row``) applies the rule ``project.view``, the lists apply ``scoped_projects``; both agree
for every role and for projects of every state in two branches. Hidden projects are 404 (never 403), roles without
``project.list`` get 403, and ids that match no row (zero, huge) are 404, not 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent, Event
from portal.permissions import can, scoped_projects
from projects import services
from projects.models import PUBLISHED_STATUSES, Project, Status

from .conftest import ROLE_USERS
from .factories import make_project

STATES = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.IN_PROGRESS, Status.REJECTED)


def _project(company, users, branch: str, state: Status) -> Project:
    """A project of branch "a" or "b" brought to ``state`` through the services, as its secretary and the
    committee's reviewer would."""
    secretary = users[f"secretary_{branch}"]
    project = make_project(
        organization=getattr(company, f"branch_{branch}"),
        leader=getattr(company, f"member_{branch}"),
        by=secretary,
        title=f"{branch}-{state}",
    )
    if state == Status.DRAFT:
        return project
    project = services.project_submit(project=project, by=secretary)
    if state == Status.REJECTED:
        return services.project_transition(project=project, action="reject", by=users["reviewer"], comment="不符合")
    if state == Status.SUBMITTED:
        return project
    project = services.project_approve(project=project, by=users["reviewer"])
    if state == Status.APPROVED:
        project.publicity_ends_on = timezone.localdate() + dt.timedelta(days=5)
        project.save(update_fields=["publicity_ends_on"])
        return project
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    return services.project_start_if_due(project=project)


@pytest.fixture
def projects(company, users) -> list[Project]:
    made = [_project(company, users, branch, state) for branch in ("a", "b") for state in STATES]
    assert [p.status for p in made] == list(STATES) * 2
    return made


def test_the_rule_the_list_and_the_page_agree_for_every_role_and_project(users, clients, projects):
    seen = {}
    for key in ROLE_USERS:
        user = users[key]
        for project in projects:
            rule = can(user, "project.view", project)
            listed = scoped_projects(user).filter(pk=project.pk).exists()
            status = clients[key].get(reverse("projects:detail", args=[project.pk])).status_code
            where = (key, project.title)

            assert rule == listed, where
            if not can(user, "project.list"):
                assert status == 403, where
                denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=user, detail__action="project.list")
                assert denied.exists(), where
            else:
                assert status == (200 if rule else 404), where
            seen[where] = status

    def opened(key: str) -> set[str]:
        return {title for (who, title), status in seen.items() if who == key and status == 200}

    published = {p.title for p in projects if p.status in PUBLISHED_STATUSES}
    assert opened("staff") == published
    assert opened("secretary_a") == published | {p.title for p in projects if p.title.startswith("a-")}
    assert opened("secretary_b") == published | {p.title for p in projects if p.title.startswith("b-")}
    assert opened("reviewer") == opened("committee_admin") == {p.title for p in projects}
    assert opened("sysadmin") == opened("auditor") == set()


def test_another_branchs_draft_is_404_and_leaves_no_denial_in_the_audit(users, clients, projects):
    other = next(p for p in projects if p.title == f"b-{Status.DRAFT}")
    before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    response = clients["secretary_a"].get(reverse("projects:detail", args=[other.pk]))

    assert response.status_code == 404
    assert other.title not in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == before


def test_ids_that_match_no_project_are_404(clients, projects):
    client = clients["secretary_a"]
    missing = max(p.pk for p in projects) + 1000
    for pk in (missing, 0, 2**63 - 1, 2**63, 2**70, 10**40):
        response = client.get(f"/projects/{pk}/")
        assert response.status_code == 404, pk
