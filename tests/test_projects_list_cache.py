"""The project list's cached parts (table, total, organization select, years) are never stale: a change
shows at the next request (portal.statistics.cache fingerprint in the keys)."""

from __future__ import annotations

from django.urls import reverse

from branches import services as org_services
from projects import services

from .projects_support import draft

URL = reverse("projects:list")


def test_a_new_project_shows_at_the_next_request(company, users, clients):
    client = clients["secretary_a"]
    draft(company, users, title="第一个项目")
    first = client.get(URL).content.decode()
    assert "第一个项目" in first and "第二个项目" not in first
    assert "第二个项目" not in client.get(URL).content.decode()  # cached
    draft(company, users, title="第二个项目")
    second = client.get(URL).content.decode()
    assert "第二个项目" in second
    assert second.count('data-testid="project-row"') == 2


def test_a_status_change_shows_at_the_next_request(company, users, clients):
    client = clients["secretary_a"]
    project = draft(company, users, title="待提交项目")
    assert client.get(URL, {"status": "submitted"}).context["total"] == 0
    client.get(URL, {"status": "submitted"})
    services.project_submit(project=project, by=users["secretary_a"])
    response = client.get(URL, {"status": "submitted"})
    assert response.context["total"] == 1
    assert "待提交项目" in response.content.decode()


def test_a_renamed_organization_shows_in_the_filter_at_the_next_request(company, users, clients):
    client = clients["committee_admin"]
    assert "甲党支部" in client.get(URL).content.decode()
    org_services.organization_update(
        organization=company.branch_a,
        changes={"name": "甲党支部（新）"},
        expected_version=company.branch_a.version,
        by=users["sysadmin"],
    )
    assert "甲党支部（新）" in client.get(URL).content.decode()


def test_users_of_different_scopes_do_not_share_the_table(company, users, clients):
    draft(company, users, title="甲支部的草稿")
    assert "甲支部的草稿" in clients["secretary_a"].get(URL).content.decode()
    assert "甲支部的草稿" not in clients["secretary_b"].get(URL).content.decode()
