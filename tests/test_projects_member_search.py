"""The team picker's search (projects:member_search): people of the secretary's branch, at most 20."""

from __future__ import annotations

from django.urls import reverse

from branches.models import PartyStatus

from .factories import MemberFactory

URL = reverse("projects:member_search")


def test_it_finds_party_and_non_party_people_of_the_branch(company, clients):
    MemberFactory(organization=company.group_a1, name="张群众", party_status=PartyStatus.NONE, joined_party_on=None)
    MemberFactory(organization=company.branch_b, name="张乙方")
    response = clients["secretary_a"].get(URL, {"q": "张"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    names = [p.name for p in response.context["people"]]
    assert sorted(names) == ["张甲", "张群众"]
    html = response.content.decode()
    assert "data-team-add" in html and "<html" not in html
    assert "13800138000" not in html  # no phone numbers in the picker


def test_it_matches_employee_numbers_and_limits_to_20(company, clients):
    for i in range(25):
        MemberFactory(organization=company.branch_a, name=f"员工{i}", employee_no=f"K{i:04d}")
    response = clients["secretary_a"].get(URL, {"q": "K00"})
    assert len(response.context["people"]) == 20
    assert "first 20 matches" in response.content.decode()
    assert [p.employee_no for p in clients["secretary_a"].get(URL, {"q": "k0024"}).context["people"]] == ["K0024"]


def test_it_skips_inactive_people_and_empty_queries(company, clients):
    MemberFactory(organization=company.branch_a, name="张离职", is_active=False)
    assert [p.name for p in clients["secretary_a"].get(URL, {"q": "张"}).context["people"]] == ["张甲"]
    assert clients["secretary_a"].get(URL, {"q": "  "}).context["people"] == []


def test_it_is_for_secretaries_only(clients):
    assert clients["reviewer"].get(URL, {"q": "张"}).status_code == 403
    assert clients["staff"].get(URL, {"q": "张"}).status_code == 403
    assert clients["visitor"].get(URL, {"q": "张"}).status_code == 302
