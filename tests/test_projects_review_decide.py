"""Deciding an application: approve (with the committee meeting), return or reject with a comment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent, Event
from portal.workbench.models import Notification
from projects.models import Project, ProjectTransition, Status

from . import review_support as rs
from .conftest import client_for


@pytest.fixture
def project(company, users):
    return rs.submitted(company, users, title="待审核项目")


def url(project) -> str:
    return reverse("projects:decide", args=[project.pk])


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_it_shows_the_application_and_the_actions_open_now(clients, project):
    response = clients["reviewer"].get(url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "待审核项目" in body and "焊缝一次合格率偏低" in body
    for action in ("approve", "return", "reject"):
        assert f'value="{action}"' in body
    assert 'value="start"' not in body and 'value="terminate"' not in body


def test_it_approves_assigns_the_number_and_records_the_meeting(clients, users, project):
    response = clients["reviewer"].post(
        url(project),
        {
            "action": "approve",
            "comment": "同意立项",
            "meeting_date": "2026-03-05",
            "meeting_name": "党委会",
            "attendees": "书记、副书记、委员",
            "vote": "7：0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:review_queue") + "?tab=applications"
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    assert project.number == "2026-CX-0001"
    approval = project.transitions.get(action="approve")
    assert approval.comment == "同意立项"
    assert approval.detail["meeting"] == {
        "date": "2026-03-05",
        "meeting": "党委会",
        "attendees": "书记、副书记、委员",
        "vote": "7:0",
    }
    assert approval.by == users["reviewer"]
    assert Notification.objects.filter(recipient=users["secretary_a"], url__contains=f"/{project.pk}/").exists()


@pytest.mark.parametrize("action", ["return", "reject"])
def test_it_needs_a_comment_to_return_or_reject(clients, project, action):
    response = clients["reviewer"].post(url(project), {"action": action, "comment": "   "})
    assert response.status_code == 200
    assert "needs a comment" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert not project.transitions.filter(action=action).exists()


def test_it_returns_with_a_comment(clients, project):
    response = clients["reviewer"].post(url(project), {"action": "return", "comment": "目标不够量化"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.DRAFT and project.returned
    assert project.number is None
    assert project.transitions.get(action="return").comment == "目标不够量化"


def test_it_rejects_with_a_comment_and_drops_meeting_fields(clients, project):
    clients["committee_admin"].post(url(project), {"action": "reject", "comment": "重复立项", "vote": "1:6"})
    project.refresh_from_db()
    assert project.status == Status.REJECTED
    assert project.transitions.get(action="reject").detail == {}


def test_it_refuses_an_action_not_offered(clients, project):
    response = clients["reviewer"].post(url(project), {"action": "start", "comment": "x"})
    assert response.status_code == 200
    assert "not possible now" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_it_refuses_a_future_meeting_date_and_a_garbled_vote(clients, project):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = clients["reviewer"].post(url(project), {"action": "approve", "meeting_date": tomorrow, "vote": "七比零"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in body
    assert "numbers separated by colons" in body
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_it_is_harmless_to_submit_the_decision_twice(clients, project):
    client = clients["reviewer"]
    client.post(url(project), {"action": "approve"})
    second = client.post(url(project), {"action": "approve"}, follow=True)
    assert second.status_code == 200
    assert "not possible now" in _messages(second)
    project.refresh_from_db()
    assert project.number == "2026-CX-0001"
    assert ProjectTransition.objects.filter(project=project, action="approve").count() == 1


def test_it_sends_a_project_not_waiting_for_a_decision_to_its_page(clients, company, users):
    draft = rs.draft(company, users)
    response = clients["reviewer"].get(url(draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[draft.pk])


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "sysadmin", "auditor"])
def test_it_refuses_other_roles_with_403_and_an_audit_row(clients, users, project, role):
    response = clients[role].post(url(project), {"action": "approve"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, username=users[role].username).exists()
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_it_hides_another_scopes_application_with_404(company, project):
    client = client_for(rs.reviewer_of_branch_b(company))
    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), {"action": "approve"}).status_code == 404
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_it_gives_404_for_a_missing_project(clients):
    assert clients["reviewer"].get(reverse("projects:decide", args=[999999])).status_code == 404
