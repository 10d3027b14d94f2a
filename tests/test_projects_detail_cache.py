"""The project page's cached parts (facts, sections, timeline) are never stale and keep per-user content
apart: a change shows at the next request (portal.statistics.cache fingerprint in the key)."""

from __future__ import annotations

from django.urls import reverse

from branches import services as org_services
from honors.models import RecipientKind
from projects import services

from .honors_support import make_external_honor
from .projects_support import add_report, add_result, approved, draft, in_progress


def _url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def test_a_new_report_and_result_show_at_the_next_request(company, users, clients):
    project = in_progress(company, users)
    client = clients["secretary_a"]
    assert 'data-testid="report"' not in client.get(_url(project)).content.decode()
    assert 'data-testid="report"' not in client.get(_url(project)).content.decode()  # cached
    add_report(project, users)
    assert client.get(_url(project)).content.decode().count('data-testid="report"') == 1
    add_result(project, users, title="新的成果标题")
    assert "新的成果标题" in client.get(_url(project)).content.decode()


def test_a_status_change_shows_in_the_timeline_at_the_next_request(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    steps = client.get(_url(project)).content.decode().count('data-testid="timeline-step"')
    services.project_submit(project=project, by=users["secretary_a"])
    response = client.get(_url(project))
    assert response.context["project"].status == "submitted"
    assert response.content.decode().count('data-testid="timeline-step"') == steps + 1


def test_a_renamed_team_member_and_a_new_honour_show_at_the_next_request(company, users, clients):
    project = in_progress(company, users)
    client = clients["committee_admin"]
    leader = project.leader
    assert leader.name in client.get(_url(project)).content.decode()
    org_services.member_update(
        member=leader, changes={"name": "改名后的负责人"}, expected_version=leader.version, by=users["sysadmin"]
    )
    assert "改名后的负责人" in client.get(_url(project)).content.decode()
    make_external_honor(
        company, users, title="新的项目荣誉", recipient_kind=RecipientKind.PROJECT, member=None, project=project
    )
    assert "新的项目荣誉" in client.get(_url(project)).content.decode()


def test_objections_stay_hidden_from_staff_after_the_committee_saw_them(company, users, clients):
    project = approved(company, users)
    services.objection_lodge(project=project, by=users["staff"], text="这个异议的正文")
    assert "这个异议的正文" in clients["committee_admin"].get(_url(project)).content.decode()
    assert "这个异议的正文" not in clients["staff"].get(_url(project)).content.decode()
    assert "这个异议的正文" in clients["committee_admin"].get(_url(project)).content.decode()
