"""member_list: filters, pagination, masked phones, scope, constant query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches.models import LeaderLevel, PartyPost, PartyStatus
from portal.accounts.models import Role

from .conftest import client_for
from .factories import MemberFactory, UserFactory


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


URL = reverse("branches:member_list")

EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL).status_code == status


def names(response) -> list[str]:
    return [m.name for m in response.context["page"].object_list]


def test_it_lists_only_the_secretarys_branch_and_its_groups(clients, company):
    in_group = MemberFactory(organization=company.group_a1, name="组员")
    response = clients["secretary_a"].get(URL)
    assert names(response) == ["张甲", in_group.name]
    assert "李乙" not in response.content.decode()


def test_it_lists_everyone_in_the_committee_subtree_for_reviewers(clients, company):
    assert sorted(names(clients["reviewer"].get(URL))) == sorted(["张甲", "李乙"])


def test_it_masks_phone_numbers(clients, company):
    body = clients["committee_admin"].get(URL).content.decode()
    assert "138****8000" in body and "139****9000" in body
    assert "13800138000" not in body and "13900139000" not in body


def test_it_shows_the_total_count(clients, company):
    response = clients["committee_admin"].get(URL)
    assert response.context["page"].paginator.count == 2
    assert "2 people" in response.content.decode()


@pytest.fixture
def roster(company):
    return {
        "probationary": MemberFactory(
            organization=company.group_a1, name="预备甲", party_status=PartyStatus.PROBATIONARY, employee_no="PX-77"
        ),
        "staff": MemberFactory(
            organization=company.branch_b, name="群众乙", party_status=PartyStatus.NONE, joined_party_on=None
        ),
        "deputy": MemberFactory(organization=company.branch_a, name="副书记甲", party_post=PartyPost.DEPUTY),
        "leader": MemberFactory(organization=company.branch_b, name="领导乙", leader_level=LeaderLevel.COMPANY),
        "off": MemberFactory(organization=company.branch_b, name="离岗乙", on_duty=False),
        "gone": MemberFactory(organization=company.branch_a, name="已调走", is_active=False),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"party_status": "probationary"}, ["预备甲"]),
        ({"party_status": "none"}, ["群众乙"]),
        ({"party_post": "deputy"}, ["副书记甲"]),
        ({"party_post": "none", "organization_name": "branch_a"}, ["张甲", "预备甲"]),
        ({"leader_level": "company"}, ["领导乙"]),
        ({"leader_level": "none", "organization_name": "branch_b"}, ["李乙", "群众乙", "离岗乙"]),
        ({"on_duty": "no"}, ["离岗乙"]),
        ({"status": "inactive"}, ["已调走"]),
        ({"q": "预备"}, ["预备甲"]),
        ({"q": "px-77"}, ["预备甲"]),
        ({"organization_name": "group_a1"}, ["预备甲"]),
        ({"organization_name": "branch_a"}, ["张甲", "副书记甲", "预备甲"]),
    ],
)
def test_it_filters(clients, company, roster, params, expected):
    params = dict(params)
    org_attr = params.pop("organization_name", None)
    if org_attr:
        params["organization"] = getattr(company, org_attr).pk
    response = clients["committee_admin"].get(URL, params)
    assert sorted(names(response)) == sorted(expected)


def test_it_includes_deactivated_people_on_request(clients, company, roster):
    everyone = names(clients["committee_admin"].get(URL, {"status": "all"}))
    assert "已调走" in everyone and "张甲" in everyone
    assert "已调走" not in names(clients["committee_admin"].get(URL))


def test_it_refuses_an_organization_filter_outside_the_scope(clients, company):
    response = clients["secretary_b"].get(URL, {"organization": company.branch_a.pk})
    assert response.status_code == 200
    assert names(response) == []
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert "张甲" not in response.content.decode()


def test_it_offers_only_organizations_in_scope_as_choices(clients, company):
    form = clients["secretary_a"].get(URL).context["filter"].form
    assert [org.name for org in form.fields["organization"].queryset] == ["甲党支部", "甲一党小组"]


def test_it_sorts_on_request(clients, company):
    MemberFactory(organization=company.branch_a, name="阿")
    assert names(clients["secretary_a"].get(URL, {"ordering": "-name"}))[0] == "阿"
    assert names(clients["secretary_a"].get(URL, {"ordering": "name"}))[-1] == "阿"


def test_it_paginates_by_fifty(clients, company):
    MemberFactory.create_batch(110, organization=company.branch_a)
    client = clients["secretary_a"]
    first = client.get(URL)
    assert first.context["page"].paginator.count == 111
    assert len(first.context["page"].object_list) == 50
    last = client.get(URL, {"page": 3})
    assert len(last.context["page"].object_list) == 11
    assert client.get(URL, {"page": "999"}).context["page"].number == 3
    assert client.get(URL, {"page": "x"}).context["page"].number == 1


def test_it_offers_adding_to_roster_keepers_only(clients, company):
    assert 'data-testid="new-member"' in clients["secretary_a"].get(URL).content.decode()
    assert 'data-testid="new-member"' not in clients["reviewer"].get(URL).content.decode()


def test_it_shows_nothing_to_a_user_whose_scope_is_empty_of_people(company):
    secretary = UserFactory(role=Role.SECRETARY, scope=company.group_a1)
    response = client_for(secretary).get(URL)
    assert names(response) == []
    assert 'data-testid="members-empty"' in response.content.decode()


# this page's own queries: scope, organization choices of the filter, count, page. The frame's
# (session, user, navigation badges…) come on top.
OWN_QUERIES = 4


def test_it_costs_the_same_queries_whatever_the_number_of_people(clients, company, django_assert_num_queries):
    client = clients["committee_admin"]
    client.get(URL)
    total, own = count_queries(client, URL)
    assert own == OWN_QUERIES
    MemberFactory.create_batch(120, organization=company.group_a1)
    with django_assert_num_queries(total):
        response = client.get(URL, {"party_status": "full", "q": "成员"})
    assert response.context["page"].paginator.count == 120
    # filtering by organization adds the lookup of the chosen organization
    with django_assert_num_queries(total + 1):
        response = client.get(URL, {"page": 2, "organization": company.branch_a.pk})
    assert len(response.context["page"].object_list) == 50
