"""Termination: the committee office, with a reason, from publicity or in progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Project, Status

from . import review_support as rs
from .conftest import client_for


def url(project) -> str:
    return reverse("projects:terminate", args=[project.pk])


@pytest.mark.parametrize("state", ["approved", "in_progress"])
def test_it_terminates_with_a_reason(clients, company, users, state):
    project = getattr(rs, state)(company, users)
    client = clients["committee_admin"]
    assert client.get(url(project)).status_code == 200
    response = client.post(url(project), {"reason": "课题被上级取消"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.TERMINATED
    step = project.transitions.get(action="terminate")
    assert step.comment == "课题被上级取消" and step.by == users["committee_admin"]


def test_it_needs_a_reason(clients, company, users):
    project = rs.in_progress(company, users)
    response = clients["committee_admin"].post(url(project), {"reason": " "})
    assert response.status_code == 200
    assert "Give the reason for terminating the project." in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == Status.IN_PROGRESS


def test_it_cannot_terminate_a_completed_project_or_twice(clients, company, users):
    done = rs.completed(company, users)
    response = clients["committee_admin"].post(url(done), {"reason": "x"}, follow=True)
    assert "not possible now" in response.content.decode()
    assert Project.objects.get(pk=done.pk).status == Status.COMPLETED

    running = rs.in_progress(company, users)
    clients["committee_admin"].post(url(running), {"reason": "取消"})
    clients["committee_admin"].post(url(running), {"reason": "再次取消"})
    assert running.transitions.filter(action="terminate").count() == 1


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "reviewer", "sysadmin", "auditor"])
def test_it_lets_only_the_committee_terminate(clients, company, users, role):
    project = rs.in_progress(company, users)
    assert clients[role].post(url(project), {"reason": "x"}).status_code == 403
    assert Project.objects.get(pk=project.pk).status == Status.IN_PROGRESS


def test_it_refuses_a_committee_admin_of_another_scope(company, users):
    project = rs.in_progress(company, users)
    client = client_for(rs.committee_admin_of_branch_b(company))
    assert client.post(url(project), {"reason": "x"}).status_code == 403  # published: visible, not theirs
    draft = rs.submitted(company, users)
    assert client.post(url(draft), {"reason": "x"}).status_code == 404  # unpublished: invisible
