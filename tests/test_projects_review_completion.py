"""Completion review: accept, or return with a comment, seeing the results, the final report and the summary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Project, Status

from . import review_support as rs
from .conftest import client_for


@pytest.fixture
def project(company, users):
    return rs.completion_review(company, users, title="申请结题的项目")


def url(project) -> str:
    return reverse("projects:completion_decide", args=[project.pk])


def test_it_shows_results_final_report_and_summary(clients, project):
    response = clients["reviewer"].get(url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "按期完成全部目标" in body  # the completion summary
    assert "一种焊接夹具" in body and "ZL2026 1 0000001.2" in body
    assert 'data-testid="total-value">35.50<' in body
    assert "全部完成" in body  # the final report
    assert 'value="accept"' in body and 'value="return_completion"' in body


def test_it_accepts_completion(clients, users, project):
    response = clients["reviewer"].post(url(project), {"action": "accept"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.COMPLETED
    assert project.transitions.get(action="accept").by == users["reviewer"]


def test_it_needs_a_comment_to_return(clients, project):
    response = clients["reviewer"].post(url(project), {"action": "return_completion", "comment": ""})
    assert response.status_code == 200
    assert "needs a comment" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETION_REVIEW


def test_it_returns_with_a_comment(clients, project):
    clients["committee_admin"].post(url(project), {"action": "return_completion", "comment": "补充试验报告"})
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    assert project.transitions.get(action="return_completion").comment == "补充试验报告"


def test_it_is_harmless_to_accept_twice(clients, project):
    client = clients["reviewer"]
    client.post(url(project), {"action": "accept"})
    response = client.post(url(project), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.transitions.filter(action="accept").count() == 1


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "sysadmin", "auditor"])
def test_it_refuses_other_roles(clients, project, role):
    assert clients[role].post(url(project), {"action": "accept"}).status_code == 403
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETION_REVIEW


def test_it_refuses_a_reviewer_of_another_scope(company, project):
    # the project is published (everyone reads it), but deciding on it is not this reviewer's business
    client = client_for(rs.reviewer_of_branch_b(company))
    assert client.post(url(project), {"action": "accept"}).status_code == 403
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETION_REVIEW
