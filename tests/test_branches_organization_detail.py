"""organization_detail: the branch page (header, breadcrumb, groups, people, head counts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches.models import PartyStatus
from projects import services as project_services

from .factories import MemberFactory, make_project
from .projects_support import draft, in_progress


def count_queries(client, url, params=None) -> tuple[int, int]:
    """(all queries, queries on this app's tables) of one request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    own = [q for q in ctx.captured_queries if '"branches_' in q["sql"]]
    return len(ctx.captured_queries), len(own)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(org) -> str:
    return reverse("branches:organization_detail", args=[org.pk])


# role -> expected status for branch A's page
EXPECTED = {
    "visitor": 302,
    "staff": 200,
    "secretary_a": 200,
    "secretary_b": 404,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.branch_a)).status_code == status


def test_it_gives_404_for_an_unknown_id(clients, company):
    assert clients["committee_admin"].get(reverse("branches:organization_detail", args=[999999])).status_code == 404


def test_it_shows_the_header_and_the_breadcrumb(clients, company):
    response = clients["secretary_a"].get(url(company.branch_a))
    body = response.content.decode()
    assert "甲党支部" in body and "B0A" in body
    assert 'data-testid="kind-badge"' in body
    crumbs = response.context["page"].crumbs
    assert [c.org.name for c in crumbs] == ["测试公司党委", "第一党总支"]
    # above the secretary's scope: shown as text, not as links
    assert [c.linked for c in crumbs] == [False, False]
    assert reverse("branches:organization_detail", args=[company.general.pk]) not in body


def test_it_links_the_breadcrumb_within_scope(clients, company):
    response = clients["reviewer"].get(url(company.group_a1))
    assert [c.linked for c in response.context["page"].crumbs] == [True, True, True]


def test_it_lists_the_groups_and_the_people_of_the_subtree_with_masked_phones(clients, company):
    in_group = MemberFactory(organization=company.group_a1, name="组员一", phone="13612345678")
    MemberFactory(organization=company.group_a1, name="已离开", is_active=False)
    response = clients["secretary_a"].get(url(company.branch_a))
    body = response.content.decode()
    assert [child.org.name for child in response.context["page"].children] == ["甲一党小组"]
    names = [m.name for m in response.context["members_page"].object_list]
    assert names == ["张甲", in_group.name]
    assert "136****5678" in body and "13612345678" not in body
    assert "138****8000" in body and "13800138000" not in body
    assert "李乙" not in body and "已离开" not in body


def test_it_counts_people_by_party_status(clients, company):
    MemberFactory(organization=company.group_a1, party_status=PartyStatus.PROBATIONARY)
    MemberFactory(organization=company.group_a1, party_status=PartyStatus.NONE, joined_party_on=None)
    MemberFactory(organization=company.group_a1, party_status=PartyStatus.NONE, joined_party_on=None)
    page = clients["reviewer"].get(url(company.branch_a)).context["page"]
    assert {value: count for value, _label, count in page.status_counts} == {"full": 1, "probationary": 1, "none": 2}
    assert page.total_members == 4


def test_it_hides_the_roster_from_staff(clients, company):
    response = clients["staff"].get(url(company.branch_a))
    body = response.content.decode()
    assert response.context["members_page"] is None
    assert 'data-testid="members-hidden"' in body
    assert "张甲" not in body and "138****8000" not in body


def test_it_shows_the_cards_of_the_later_capabilities(clients, company):
    body = clients["secretary_a"].get(url(company.branch_a)).content.decode()
    # the projects placeholder was replaced by the subtree's projects (issue 3)
    assert 'data-testid="projects-later"' not in body
    assert 'data-testid="projects-card"' in body and 'data-testid="projects-empty"' in body
    # posts, honours and grading arrived with issue 5 (tests/test_honors_on_pages.py)
    assert 'data-testid="posts-card"' in body and 'data-testid="own-honours"' in body
    assert 'data-testid="grading-card"' in body


def test_it_offers_actions_by_role(clients, company):
    admin = clients["committee_admin"].get(url(company.branch_a)).content.decode()
    for testid in ("add-member", "add-child", "edit-org", "deactivate-org"):
        assert f'data-testid="{testid}"' in admin
    secretary = clients["secretary_a"].get(url(company.branch_a)).content.decode()
    assert 'data-testid="add-member"' in secretary
    for testid in ("add-child", "edit-org", "deactivate-org"):
        assert f'data-testid="{testid}"' not in secretary
    reviewer = clients["reviewer"].get(url(company.branch_a)).content.decode()
    for testid in ("add-member", "add-child", "edit-org", "deactivate-org"):
        assert f'data-testid="{testid}"' not in reviewer


def test_it_paginates_the_people(clients, company):
    MemberFactory.create_batch(60, organization=company.group_a1)
    client = clients["reviewer"]
    first = client.get(url(company.branch_a)).context["members_page"]
    assert first.paginator.count == 61 and len(first.object_list) == 50
    second = client.get(url(company.branch_a), {"page": 2}).context["members_page"]
    assert len(second.object_list) == 11


# this page's own queries: scope, organization, ancestors, subtree with counts, counts by status,
# people count, people page; then from the honours app (issue 5) the three that join branches_*:
# liaisons with their members, posts of the subtree, honours of the subtree (grades, appraisals and the
# organization's own honours are three more queries on honors_* tables only).
# The frame's (session, user, navigation badges…) come on top.
# Then from the projects app: the subtree's visible projects counted by status, and the most recent ones.
OWN_QUERIES = 12


def test_it_costs_the_same_queries_whatever_the_number_of_people_and_projects(
    clients, company, users, django_assert_num_queries
):
    client = clients["reviewer"]
    draft(company, users, title="第一个项目")
    client.get(url(company.branch_a))
    total, own = count_queries(client, url(company.branch_a))
    assert own == OWN_QUERIES
    MemberFactory.create_batch(70, organization=company.group_a1)
    for i in range(12):
        draft(company, users, title=f"项目{i}")
    in_progress(company, users, title="实施中的项目")
    with django_assert_num_queries(total):
        response = client.get(url(company.branch_a))
    assert response.context["members_page"].paginator.count == 71
    assert response.context["org_projects"].total == 14
    assert len(response.context["org_projects"].recent) == 10


# --- the subtree's innovation projects -------------------------------------------------------------


def _branch_b_project(company, users, title, *, approve=False):
    project = make_project(organization=company.branch_b, leader=company.member_b, by=users["secretary_b"], title=title)
    if approve:
        project = project_services.project_submit(project=project, by=users["secretary_b"])
        project = project_services.project_approve(project=project, by=users["reviewer"], meeting={"meeting": "党委会"})
    return project


@pytest.fixture
def four_projects(company, users):
    """Branch A: a draft and a project in progress; branch B: a draft and an approved (in publicity) one."""
    return {
        "a_draft": draft(company, users, title="甲支部草稿项目"),
        "a_running": in_progress(company, users, title="甲支部实施项目"),
        "b_draft": _branch_b_project(company, users, "乙支部草稿项目"),
        "b_public": _branch_b_project(company, users, "乙支部公示项目", approve=True),
    }


def _shown(response) -> set[str]:
    return {p.title for p in response.context["org_projects"].recent}


def test_it_lists_the_branchs_projects_with_counts_by_status_and_a_link_to_the_list(clients, company, four_projects):
    response = clients["secretary_a"].get(url(company.branch_a))
    body = response.content.decode()

    assert _shown(response) == {"甲支部草稿项目", "甲支部实施项目"}
    running = four_projects["a_running"]
    assert reverse("projects:detail", args=[running.pk]) in body
    assert running.number in body and 'data-status="in_progress"' in body
    counts = {value: count for value, _label, count in response.context["org_projects"].status_counts}
    assert counts == {"draft": 1, "in_progress": 1}
    assert 'data-testid="projects-draft"' in body and 'data-testid="projects-in_progress"' in body
    link = f"{reverse('projects:list')}?branch={company.branch_a.pk}"
    assert response.context["projects_url"] == link and 'data-testid="all-projects"' in body
    # the link's filter is the project list's own: it shows exactly this branch's projects
    listed = clients["secretary_a"].get(link).context["page"].object_list
    assert {p.title for p in listed} == {"甲支部草稿项目", "甲支部实施项目"}


def test_a_secretary_of_another_branch_does_not_see_this_branchs_drafts(clients, company, four_projects):
    response = clients["secretary_b"].get(url(company.branch_b))
    assert _shown(response) == {"乙支部草稿项目", "乙支部公示项目"}
    assert "甲支部" not in "".join(_shown(response))
    assert clients["secretary_b"].get(url(company.general)).status_code == 404


def test_the_committee_office_sees_the_whole_subtree(clients, company, four_projects):
    response = clients["committee_admin"].get(url(company.general))
    assert _shown(response) == {"甲支部草稿项目", "甲支部实施项目", "乙支部草稿项目", "乙支部公示项目"}
    assert response.context["org_projects"].total == 4


def test_staff_see_only_published_projects(clients, company, four_projects):
    response = clients["staff"].get(url(company.general))
    body = response.content.decode()
    assert _shown(response) == {"甲支部实施项目", "乙支部公示项目"}
    assert "草稿项目" not in body


def test_a_party_group_page_has_no_list_link(clients, company, four_projects):
    response = clients["reviewer"].get(url(company.group_a1))
    body = response.content.decode()
    assert response.context["projects_url"] == ""
    assert 'data-testid="all-projects"' not in body and 'data-testid="projects-empty"' in body
