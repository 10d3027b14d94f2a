"""Publicity: every business role reads the list and may object; the committee office resolves objections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Objection, ObjectionStatus, Project, Status

from . import review_support as rs

URL = reverse("projects:publicity")


@pytest.fixture
def project(company, users):
    return rs.approved(company, users, title="公示中的项目")


def create_url(project) -> str:
    return reverse("projects:objection_create", args=[project.pk])


def resolve_url(objection) -> str:
    return reverse("projects:objection_resolve", args=[objection.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("secretary_b", 200),
        ("reviewer", 200),
        ("committee_admin", 200),
        ("sysadmin", 403),
        ("auditor", 403),
    ],
)
def test_it_shows_the_page_to_business_roles(clients, role, expected):
    assert clients[role].get(URL).status_code == expected


def test_it_lists_projects_in_publicity_with_days_left(clients, company, users, project):
    rs.submitted(company, users, title="尚未公示")
    body = clients["secretary_b"].get(URL).content.decode()
    assert "公示中的项目" in body and project.number in body
    assert "尚未公示" not in body
    assert project.publicity_ends_on.isoformat() in body
    days = (project.publicity_ends_on - timezone.localdate()).days
    assert f"{days} days left" in body
    assert create_url(project) in body


def test_it_lets_staff_object_and_ignores_a_double_submit(clients, users, project):
    client = clients["staff"]
    assert client.get(create_url(project)).status_code == 200
    for _ in range(2):
        response = client.post(create_url(project), {"text": "成员与另一项目重复"})
        assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.raised_by == users["staff"] and objection.status == ObjectionStatus.OPEN


def test_it_needs_the_objection_text(clients, project):
    response = clients["staff"].post(create_url(project), {"text": "  "})
    assert response.status_code == 200
    assert "Write what the objection is about." in response.content.decode()
    assert not Objection.objects.exists()


def test_it_refuses_objections_outside_publicity(clients, company, users):
    running = rs.in_progress(company, users)
    response = clients["staff"].post(create_url(running), {"text": "太晚了"}, follow=True)
    assert "only while the project is in publicity" in response.content.decode()
    assert not Objection.objects.exists()


def test_it_hides_unpublished_projects_from_objectors_with_404(clients, company, users):
    waiting = rs.submitted(company, users)
    assert clients["staff"].get(create_url(waiting)).status_code == 404
    assert clients["secretary_b"].post(create_url(waiting), {"text": "x"}).status_code == 404
    assert clients["sysadmin"].get(create_url(waiting)).status_code == 403


def test_it_shows_open_objections_to_the_committee_only(clients, users, project):
    services.objection_lodge(project=project, by=users["staff"], text="成员与另一项目重复")
    assert "成员与另一项目重复" in clients["committee_admin"].get(URL).content.decode()
    assert "成员与另一项目重复" not in clients["reviewer"].get(URL).content.decode()
    assert "成员与另一项目重复" not in clients["secretary_b"].get(URL).content.decode()


def test_it_resolves_an_objection_and_suggests_terminating_when_upheld(clients, users, project):
    objection = services.objection_lodge(project=project, by=users["staff"], text="成员与另一项目重复")
    client = clients["committee_admin"]
    response = client.post(resolve_url(objection), {"decision": "upheld", "resolution": "属实", "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.resolved_by == users["committee_admin"]
    body = client.get(URL).content.decode()
    assert 'data-testid="suggest-terminate"' in body
    assert reverse("projects:terminate", args=[project.pk]) in body
    assert project.transitions.filter(action="objection_resolved").exists()


def test_it_needs_a_decision_and_a_resolution(clients, users, project):
    objection = services.objection_lodge(project=project, by=users["staff"], text="异议")
    response = clients["committee_admin"].post(resolve_url(objection), {"decision": "", "resolution": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose whether the objection is upheld or dismissed." in body
    assert "Write how the objection was resolved." in body
    assert Objection.objects.get().status == ObjectionStatus.OPEN


def test_it_resolves_only_once(clients, users, project):
    objection = services.objection_lodge(project=project, by=users["staff"], text="异议")
    client = clients["committee_admin"]
    client.post(resolve_url(objection), {"decision": "dismissed", "resolution": "不属实"})
    response = client.post(resolve_url(objection), {"decision": "upheld", "resolution": "改主意"}, follow=True)
    assert "already been resolved" in response.content.decode()
    assert Objection.objects.get().status == ObjectionStatus.DISMISSED


@pytest.mark.parametrize(("role", "expected"), [("reviewer", 403), ("staff", 403), ("secretary_a", 403)])
def test_it_lets_only_the_committee_resolve(clients, users, project, role, expected):
    objection = services.objection_lodge(project=project, by=users["staff"], text="异议")
    response = clients[role].post(resolve_url(objection), {"decision": "upheld", "resolution": "x"})
    assert response.status_code == expected
    assert Objection.objects.get().status == ObjectionStatus.OPEN


def test_it_keeps_the_project_in_publicity_while_an_objection_is_open(clients, users, project):
    objection = services.objection_lodge(project=project, by=users["staff"], text="异议")
    rs.end_publicity(project)
    body = clients["staff"].get(URL).content.decode()  # the lazy check runs on view
    assert Project.objects.get(pk=project.pk).status == Status.APPROVED
    assert "Publicity is over: the project starts once its objections are resolved." in body
    clients["committee_admin"].post(resolve_url(objection), {"decision": "dismissed", "resolution": "不属实"})
    body = clients["staff"].get(URL).content.decode()
    assert Project.objects.get(pk=project.pk).status == Status.IN_PROGRESS
    assert "公示中的项目" not in body


def test_it_runs_a_constant_number_of_queries(clients, company, users, django_assert_max_num_queries):
    project = rs.approved(company, users)
    services.objection_lodge(project=project, by=users["staff"], text="一")
    client = clients["committee_admin"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        services.objection_lodge(project=rs.approved(company, users), by=users["staff"], text="二")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_it_shows_days_left_until_the_end(clients, project):
    project.publicity_ends_on = timezone.localdate() + dt.timedelta(days=3)
    project.save(update_fields=["publicity_ends_on"])
    assert "3 days left" in clients["staff"].get(URL).content.decode()
