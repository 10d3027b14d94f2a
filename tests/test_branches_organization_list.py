"""organization_list: the tree in the user's scope, member counts from one aggregate query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches import services
from branches.models import OrgKind

from .factories import MemberFactory, make_org


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


URL = reverse("branches:organization_list")

# role -> expected status (ROLES.md matrix)
EXPECTED = {
    "visitor": 302,
    "staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, role, status):
    assert clients[role].get(URL).status_code == status


def nodes(response) -> list[str]:
    return [node.org.name for node in response.context["tree"].flat]


def test_it_shows_the_whole_tree_to_the_committee_in_order(clients, company):
    response = clients["committee_admin"].get(URL)
    assert nodes(response) == ["测试公司党委", "第一党总支", "甲党支部", "甲一党小组", "乙党支部"]
    levels = [node.level for node in response.context["tree"].flat]
    assert levels == [0, 1, 2, 3, 2]


def test_it_limits_the_tree_to_the_secretarys_branch(clients, company):
    response = clients["secretary_a"].get(URL)
    assert nodes(response) == ["甲党支部", "甲一党小组"]
    assert "乙党支部" not in response.content.decode()


def test_it_counts_active_members_of_each_subtree(clients, company):
    MemberFactory.create_batch(3, organization=company.group_a1)
    MemberFactory(organization=company.group_a1, is_active=False)
    response = clients["committee_admin"].get(URL)
    counts = {node.org.name: (node.direct_members, node.total_members) for node in response.context["tree"].flat}
    assert counts["甲一党小组"] == (3, 3)
    assert counts["甲党支部"] == (1, 4)
    assert counts["乙党支部"] == (1, 1)
    assert counts["测试公司党委"] == (0, 5)
    assert response.context["tree"].figures["members"] == 5


def test_it_marks_deactivated_organizations_and_can_hide_them(clients, company):
    old = make_org("旧党支部", OrgKind.BRANCH, company.general, code="B0X")
    services.organization_deactivate(organization=old)
    response = clients["committee_admin"].get(URL)
    body = response.content.decode()
    assert "旧党支部" in body
    assert 'data-testid="inactive-badge"' in body
    assert response.context["tree"].figures["inactive"] == 1
    hidden = clients["committee_admin"].get(URL, {"active": "1"})
    assert "旧党支部" not in nodes(hidden)


def test_it_shows_management_actions_to_the_committee_admin_only(clients, company):
    admin_body = clients["committee_admin"].get(URL).content.decode()
    assert 'data-testid="new-organization"' in admin_body
    assert admin_body.count('data-testid="org-actions"') == 5
    assert reverse("branches:organization_deactivate", args=[company.group_a1.pk]) in admin_body
    for role in ("reviewer", "secretary_a", "staff"):
        body = clients[role].get(URL).content.decode()
        assert 'data-testid="new-organization"' not in body
        assert 'data-testid="org-actions"' not in body


def test_it_links_every_node_to_its_page(clients, company):
    body = clients["reviewer"].get(URL).content.decode()
    for org in (company.committee, company.general, company.branch_a, company.group_a1, company.branch_b):
        assert reverse("branches:organization_detail", args=[org.pk]) in body


def test_it_orders_siblings_by_display_order(clients, company):
    services.organization_update(organization=company.branch_b, changes={"order": 0}, expected_version=1)
    services.organization_update(organization=company.branch_a, changes={"order": 5}, expected_version=1)
    response = clients["committee_admin"].get(URL)
    assert nodes(response) == ["测试公司党委", "第一党总支", "乙党支部", "甲党支部", "甲一党小组"]


# this page's own queries: the user's scope + the tree with its member counts. The rest (session,
# user, navigation badges…) belongs to the frame and is the same on every page.
OWN_QUERIES = 2


def test_it_costs_the_same_queries_whatever_the_tree_size(clients, company, django_assert_num_queries):
    client = clients["committee_admin"]
    client.get(URL)
    total, own = count_queries(client, URL)
    assert own == OWN_QUERIES
    for i in range(15):
        branch = make_org(f"支部{i}", OrgKind.BRANCH, company.general)
        make_org(f"小组{i}", OrgKind.PARTY_GROUP, branch)
        MemberFactory.create_batch(2, organization=branch)
    with django_assert_num_queries(total):
        response = client.get(URL)
    assert len(response.context["tree"].flat) == 35
