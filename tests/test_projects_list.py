"""The project list (projects:list): scope, filters, pagination and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import PartyStatus
from projects.models import Category

from .factories import MemberFactory, make_project
from .projects_support import approved, draft

URL = reverse("projects:list")


def _titles(response) -> set[str]:
    return {p.title for p in response.context["page"].object_list}


def test_it_lists_own_branch_drafts_and_hides_them_from_others(company, users, clients):
    own = draft(company, users, title="甲支部草稿")
    response = clients["secretary_a"].get(URL)
    assert response.status_code == 200
    assert _titles(response) == {own.title}
    assert "甲支部草稿" in response.content.decode()
    for key in ("secretary_b", "staff"):
        response = clients[key].get(URL)
        assert response.status_code == 200
        assert "甲支部草稿" not in response.content.decode()
        assert _titles(response) == set()


def test_it_shows_published_projects_to_everyone_in_the_company(company, users, clients):
    published = approved(company, users, title="公示中的项目")
    for key in ("staff", "secretary_b", "reviewer", "committee_admin"):
        response = clients[key].get(URL)
        assert _titles(response) == {published.title}, key
    assert published.number in clients["staff"].get(URL).content.decode()


def test_it_refuses_roles_without_business_access(clients):
    assert clients["sysadmin"].get(URL).status_code == 403
    assert clients["auditor"].get(URL).status_code == 403
    assert clients["visitor"].get(URL).status_code == 302


def test_it_shows_the_file_button_to_secretaries_only(company, users, clients):
    assert 'data-testid="new-project"' in clients["secretary_a"].get(URL).content.decode()
    assert 'data-testid="new-project"' not in clients["reviewer"].get(URL).content.decode()


def test_it_filters_by_each_field(company, users, clients):
    leader2 = MemberFactory(organization=company.group_a1, name="王焊工")
    first = draft(company, users, title="焊接工艺参数优化")
    second = draft(
        company,
        users,
        title="安全巡检数字化",
        leader=leader2,
        category=Category.objects.get(name="安全质量"),
        year=2025,
        planned_start=dt.date(2025, 3, 1),
        planned_end=dt.date(2025, 12, 1),
    )
    third = approved(company, users, title="精益看板")
    client = clients["secretary_a"]
    assert _titles(client.get(URL, {"year": "2025"})) == {second.title}
    assert _titles(client.get(URL, {"category": Category.objects.get(name="安全质量").pk})) == {second.title}
    assert _titles(client.get(URL, {"status": "approved"})) == {third.title}
    assert _titles(client.get(URL, {"leader": "王焊"})) == {second.title}
    assert _titles(client.get(URL, {"q": "焊接"})) == {first.title}
    third.refresh_from_db()
    assert _titles(client.get(URL, {"q": third.number})) == {third.title}
    assert _titles(client.get(URL, {"branch": company.branch_a.pk})) == {first.title, second.title, third.title}


def test_it_limits_the_branch_filter_to_the_scope(company, users, clients):
    draft(company, users)
    response = clients["secretary_a"].get(URL, {"branch": company.branch_b.pk})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert _titles(response) == set()
    # the reviewer may filter by any branch of the committee, and by the general branch (its subtree)
    response = clients["reviewer"].get(URL, {"branch": company.general.pk})
    assert len(_titles(response)) == 1


def test_it_paginates_by_25_and_shows_the_total(company, users, clients):
    for i in range(27):
        make_project(
            organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], title=f"项目{i:02d}"
        )
    response = clients["secretary_a"].get(URL)
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 27
    assert 'data-testid="total-count"' in response.content.decode()
    second = clients["secretary_a"].get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 2


def _many_projects(company, users, count):
    leaders = [
        MemberFactory(organization=company.branch_a, party_status=PartyStatus.FULL) for _ in range(max(count // 3, 1))
    ]
    for i in range(count):
        make_project(
            organization=company.branch_a,
            leader=leaders[i % len(leaders)],
            by=users["secretary_a"],
            title=f"批量项目{i:03d}",
        )


@pytest.mark.parametrize("key", ["secretary_a", "reviewer"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, django_assert_num_queries, key):
    _many_projects(company, users, 3)
    client = clients[key]
    client.get(URL)  # warm caches (content types, configuration)
    cache.clear()  # cold: the table and the organization select are rendered (portal.statistics.cache)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"status": "draft"})
    with CaptureQueriesContext(connection) as warm:
        client.get(URL, {"status": "draft"})
    assert len(warm.captured_queries) < len(few.captured_queries)
    _many_projects(company, users, 30)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"status": "draft"})
    assert response.context["page"].paginator.count == 33
    assert len(response.context["page"].object_list) == 25
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(URL, {"status": "draft"})
