"""Extension requests (延期): the committee office approves or refuses; the new end shows on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import services
from projects.models import Extension, ExtensionStatus, Project

from . import review_support as rs
from .conftest import client_for


@pytest.fixture
def extension(company, users):
    project = rs.in_progress(company, users, title="要延期的项目")
    return services.extension_request(
        project=project, by=users["secretary_a"], new_end=dt.date(2027, 3, 31), reason="设备到货延迟"
    )


def url(extension) -> str:
    return reverse("projects:extension_decide", args=[extension.pk])


def test_it_shows_the_request(clients, extension):
    body = clients["committee_admin"].get(url(extension)).content.decode()
    assert "要延期的项目" in body and "设备到货延迟" in body
    assert "2026-12-31" in body and "2027-03-31" in body


def test_it_approves_and_moves_the_planned_end(clients, users, extension):
    response = clients["committee_admin"].post(url(extension), {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    project = Project.objects.get(pk=extension.project_id)
    assert project.planned_end == dt.date(2027, 3, 31)
    step = project.transitions.get(action="extension_approved")
    assert step.detail == {"old_end": "2026-12-31", "new_end": "2027-03-31"}
    assert Extension.objects.get().decided_by == users["committee_admin"]


def test_it_needs_a_comment_to_refuse(clients, extension):
    response = clients["committee_admin"].post(url(extension), {"decision": "refuse", "comment": ""})
    assert response.status_code == 200
    assert "Tell the branch why the extension is refused." in response.content.decode()
    assert Extension.objects.get().status == ExtensionStatus.PENDING


def test_it_refuses_and_keeps_the_end(clients, extension):
    clients["committee_admin"].post(url(extension), {"decision": "refuse", "comment": "理由不充分"})
    assert Extension.objects.get().status == ExtensionStatus.REFUSED
    assert Project.objects.get(pk=extension.project_id).planned_end == dt.date(2026, 12, 31)


def test_it_decides_once(clients, extension):
    client = clients["committee_admin"]
    client.post(url(extension), {"decision": "approve"})
    response = client.post(url(extension), {"decision": "refuse", "comment": "改主意"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert Extension.objects.get().status == ExtensionStatus.APPROVED


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "reviewer", "sysadmin", "auditor"])
def test_it_lets_only_the_committee_decide(clients, extension, role):
    assert clients[role].post(url(extension), {"decision": "approve"}).status_code == 403
    assert Extension.objects.get().status == ExtensionStatus.PENDING


def test_it_refuses_a_committee_admin_of_another_scope(company, extension):
    client = client_for(rs.committee_admin_of_branch_b(company))
    assert client.post(url(extension), {"decision": "approve"}).status_code == 403
    assert Extension.objects.get().status == ExtensionStatus.PENDING
