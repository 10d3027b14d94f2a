"""Submitting a draft (projects:submit): POST only, and a double submit is harmless."""

from __future__ import annotations

from django.urls import reverse

from portal.workbench.models import Notification
from projects.models import ProjectTransition, Status

from .projects_support import draft


def _url(project):
    return reverse("projects:submit", args=[project.pk])


def test_it_submits_a_draft_and_notifies_the_reviewers(company, users, clients):
    project = draft(company, users)
    response = clients["secretary_a"].post(_url(project))
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert Notification.objects.filter(recipient=users["reviewer"]).exists()


def test_it_is_harmless_to_submit_twice(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    assert client.post(_url(project)).status_code == 302
    second = client.post(_url(project), follow=True)
    assert second.status_code == 200
    assert "not possible now" in second.content.decode()
    assert ProjectTransition.objects.filter(project=project, action="submit").count() == 1


def test_it_refuses_get_and_other_people(company, users, clients):
    project = draft(company, users)
    assert clients["secretary_a"].get(_url(project)).status_code == 405
    assert clients["secretary_b"].post(_url(project)).status_code == 404
    assert clients["reviewer"].post(_url(project)).status_code == 403
    assert clients["staff"].post(_url(project)).status_code == 403
    project.refresh_from_db()
    assert project.status == Status.DRAFT
