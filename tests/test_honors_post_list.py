"""honors:post_list — the demonstration posts a user may see, with filters, pagination and constant queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from honors.models import PostKind, PostStatus

from .honors_posts_support import building_post, make_post, titled_post

URL = reverse("honors:post_list")


def _names(response) -> set[str]:
    return {p.name for p in response.context["page"].object_list}


def test_it_lists_own_applications_and_everyone_s_visible_posts(company, users, clients):
    make_post(company, users, name="甲申报岗")
    building_post(company, users, name="乙创建岗", branch="b")
    titled_post(company, users, name="甲命名岗")
    make_post(company, users, name="乙申报岗", branch="b")

    assert _names(clients["secretary_a"].get(URL)) == {"甲申报岗", "乙创建岗", "甲命名岗"}
    assert _names(clients["secretary_b"].get(URL)) == {"乙申报岗", "乙创建岗", "甲命名岗"}
    assert _names(clients["staff"].get(URL)) == {"乙创建岗", "甲命名岗"}
    assert _names(clients["reviewer"].get(URL)) == {"甲申报岗", "乙创建岗", "甲命名岗", "乙申报岗"}


def test_it_shows_the_columns_and_a_status_badge(company, users, clients):
    post = titled_post(company, users, name="甲命名岗")
    response = clients["staff"].get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("honors:post_detail", args=[post.pk]) in html
    assert "Party member innovation demonstration post" in html
    assert company.branch_a.name in html and company.member_a.name in html
    assert 'data-status="titled"' in html
    assert f">{timezone.localdate().year}<" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "building"}, {"乙创建岗"}),
        ({"kind": PostKind.COMMANDO}, {"突击队"}),
        ({"q": "焊接"}, {"甲申报岗"}),  # in the pledge
        ({"q": "突击"}, {"突击队"}),  # in the name
        ({"year": "2024"}, {"旧岗"}),
    ],
)
def test_it_filters(company, users, clients, params, expected):
    make_post(company, users, name="甲申报岗", pledge="焊接一次合格率≥98%")
    building_post(company, users, name="乙创建岗", branch="b", pledge="服务群众")
    make_post(company, users, name="突击队", kind=PostKind.COMMANDO, pledge="急难险重")
    make_post(company, users, name="旧岗", year=2024, pledge="老承诺")
    assert _names(clients["reviewer"].get(URL, params)) == expected


def test_it_filters_by_branch_within_scope_and_refuses_one_outside(company, users, clients):
    make_post(company, users, name="甲申报岗")
    building_post(company, users, name="乙创建岗", branch="b")
    assert _names(clients["reviewer"].get(URL, {"branch": company.branch_b.pk})) == {"乙创建岗"}
    response = clients["secretary_a"].get(URL, {"branch": company.branch_b.pk})
    assert _names(response) == set()
    assert b'data-testid="filter-errors"' in response.content


def test_it_offers_new_post_to_secretaries_only(company, users, clients):
    assert b'data-testid="new-post"' in clients["secretary_a"].get(URL).content
    for key in ("reviewer", "staff", "committee_admin"):
        assert b'data-testid="new-post"' not in clients[key].get(URL).content


def test_it_links_the_export_with_the_filters(company, users, clients):
    response = clients["reviewer"].get(URL, {"status": "building", "page": "2"})
    href = re.search(r'href="([^"]*)" data-testid="export"', response.content.decode()).group(1)
    assert href == reverse("honors:post_export") + "?status=building"
    assert b'data-testid="export"' not in clients["staff"].get(URL).content


@pytest.mark.parametrize("key", ["sysadmin", "auditor"])
def test_it_refuses_roles_without_posts(clients, key):
    assert clients[key].get(URL).status_code == 403


def test_it_sends_visitors_to_login(clients):
    response = clients["visitor"].get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_paginates_by_twenty(company, users, clients):
    for i in range(23):
        make_post(company, users, name=f"岗{i:02d}")
    first = clients["secretary_a"].get(URL)
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.count == 23
    assert len(clients["secretary_a"].get(URL, {"page": 2}).context["page"].object_list) == 3


@pytest.mark.parametrize("key", ["secretary_a", "reviewer", "staff"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, django_assert_num_queries, key):
    for i in range(2):
        building_post(company, users, name=f"少{i}")
    client = clients[key]
    client.get(URL)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL, {"status": PostStatus.BUILDING})
    assert len(response.context["page"].object_list) == 2
    for i in range(25):
        building_post(company, users, name=f"多{i}", branch="b" if i % 2 else "a")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"status": PostStatus.BUILDING})
    assert len(response.context["page"].object_list) == 20
