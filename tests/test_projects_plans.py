"""Member improvement plans (projects:plan_list, projects:plan_create): 党员创新登高计划, non-party staff counted apart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import PartyStatus
from projects import services
from projects.models import ImprovementPlan

from .factories import MemberFactory

LIST = reverse("projects:plan_list")
CREATE = reverse("projects:plan_create")


@pytest.fixture
def non_party(company):
    return MemberFactory(
        organization=company.group_a1, name="郑群众", party_status=PartyStatus.NONE, joined_party_on=None
    )


def test_it_files_a_plan_for_a_non_party_person(company, users, clients, non_party):
    data = {"member": non_party.pk, "year": "2026", "goal": "掌握数控编程", "result": "", "value": "1.5", "is_done": ""}
    response = clients["secretary_a"].post(CREATE, data)
    assert response.status_code == 302
    plan = ImprovementPlan.objects.get()
    assert plan.organization == company.branch_a and plan.member == non_party and plan.value == Decimal("1.5")
    assert plan.filed_by == users["secretary_a"]


def test_it_refuses_bad_plans(company, clients):
    client = clients["secretary_a"]
    response = client.post(CREATE, {"member": company.member_b.pk, "year": "2026", "goal": "目标", "value": "0"})
    assert "member" in response.context["form"].errors
    response = client.post(CREATE, {"member": company.member_a.pk, "year": "2026", "goal": "", "value": "-2"})
    errors = response.context["form"].errors
    assert "goal" in errors and "cannot be negative" in str(errors["value"])
    assert not ImprovementPlan.objects.exists()


def test_it_counts_party_and_non_party_plans_apart(company, users, clients, non_party):
    services.plan_create(by=users["secretary_a"], member=company.member_a, year=2026, goal="目标一", is_done=True)
    services.plan_create(by=users["secretary_a"], member=non_party, year=2026, goal="目标二")
    services.plan_create(by=users["secretary_b"], member=company.member_b, year=2025, goal="目标三")
    response = clients["reviewer"].get(LIST)
    assert response.context["counts"] == {"total": 3, "party": 2, "non_party": 1, "done": 1}
    response = clients["reviewer"].get(LIST, {"year": "2026", "branch": company.branch_a.pk})
    assert response.context["counts"] == {"total": 2, "party": 1, "non_party": 1, "done": 1}
    response = clients["reviewer"].get(LIST, {"kind": "non_party"})
    assert [p.member.name for p in response.context["page"].object_list] == ["郑群众"]


def test_it_shows_each_branch_its_own_plans(company, users, clients, non_party):
    services.plan_create(by=users["secretary_a"], member=non_party, year=2026, goal="甲的计划")
    assert clients["secretary_b"].get(LIST).context["counts"]["total"] == 0
    assert clients["secretary_a"].get(LIST).context["counts"]["total"] == 1
    assert clients["secretary_b"].get(LIST, {"branch": company.branch_a.pk}).context["counts"]["total"] == 0


def test_it_refuses_roles_without_access(clients):
    assert clients["staff"].get(LIST).status_code == 403
    assert clients["sysadmin"].get(LIST).status_code == 403
    assert clients["reviewer"].get(CREATE).status_code == 403
    assert clients["staff"].get(CREATE).status_code == 403
    assert clients["secretary_a"].get(CREATE).status_code == 200


def test_the_list_runs_a_constant_number_of_queries(company, users, clients, django_assert_num_queries):
    people = [MemberFactory(organization=company.branch_a) for _ in range(30)]
    services.plan_create(by=users["secretary_a"], member=people[0], year=2026, goal="目标")
    client = clients["secretary_a"]
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for person in people[1:]:
        services.plan_create(by=users["secretary_a"], member=person, year=2026, goal="目标")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["counts"]["total"] == 30
