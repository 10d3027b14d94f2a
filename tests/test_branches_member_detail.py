"""member_detail: every field, phone masked, actions by role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches import services
from projects import services as project_services
from projects.models import TeamRole

from .factories import MemberFactory, make_project
from .projects_support import draft, in_progress


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_detail", args=[member.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 404,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.member_a)).status_code == status


def test_it_shows_every_field_with_the_phone_masked(clients, company):
    member = company.member_a
    services.member_update(
        member=member,
        changes={"skill_grade": "高级技师", "party_post": "secretary", "leader_level": "department"},
        expected_version=1,
    )
    body = clients["secretary_a"].get(url(member)).content.decode()
    for text in ("张甲", member.employee_no, "Male", "甲党支部", "Party member", "工程师", "高级技师", "Secretary"):
        assert text in body
    assert "Department-level leader" in body
    assert member.joined_party_on.isoformat() in body
    assert "138****8000" in body
    assert "13800138000" not in body


@pytest.mark.parametrize(
    ("role", "reveal", "history", "edit"),
    [
        ("secretary_a", True, True, True),
        ("committee_admin", True, True, True),
        ("reviewer", False, False, False),
    ],
)
def test_it_offers_actions_by_role(clients, company, role, reveal, history, edit):
    body = clients[role].get(url(company.member_a)).content.decode()
    assert ('data-testid="reveal-phone"' in body) is reveal
    assert ('data-testid="member-history"' in body) is history
    assert ('data-testid="edit-member"' in body) is edit
    assert ('data-testid="deactivate-member"' in body) is edit


def test_it_marks_a_deactivated_person_read_only(clients, company):
    services.member_deactivate(member=company.member_a)
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert 'data-testid="deactivated"' in body
    assert 'data-testid="edit-member"' not in body
    assert 'data-testid="deactivate-member"' not in body


def test_it_offers_no_reveal_when_there_is_no_phone(clients, company):
    services.member_update(member=company.member_a, changes={"phone": ""}, expected_version=1)
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert 'data-testid="reveal-phone"' not in body


# --- projects and improvement plans ------------------------------------------------------------------


def _b_project(company, users, title, *, team=()):
    return make_project(
        organization=company.branch_b, leader=company.member_b, by=users["secretary_b"], title=title, team=team
    )


def _places(response) -> dict[str, str]:
    return {place.project.title: place.role for place in response.context["team_places"]}


def test_it_lists_the_projects_the_person_leads_or_joins_with_the_role(clients, company, users):
    led = in_progress(company, users, title="张甲负责的项目")
    joined = draft(company, users, leader=MemberFactory(organization=company.branch_a), team=[company.member_a])
    draft(company, users, leader=MemberFactory(organization=company.branch_a), title="与张甲无关的项目")

    response = clients["secretary_a"].get(url(company.member_a))
    body = response.content.decode()

    assert _places(response) == {led.title: TeamRole.LEADER, joined.title: TeamRole.MEMBER}
    assert reverse("projects:detail", args=[led.pk]) in body and led.number in body
    assert "Leader" in body and 'data-status="in_progress"' in body and 'data-status="draft"' in body
    assert "与张甲无关的项目" not in body


def test_another_branchs_drafts_do_not_show_to_a_secretary_of_another_branch(clients, company, users):
    # 李乙 (branch B) works in two projects of branch A: a draft, and one in progress (published)
    draft(company, users, title="甲支部草稿项目", team=[company.member_b])
    public = in_progress(company, users, title="甲支部实施项目", team=[company.member_b])
    own = _b_project(company, users, "乙支部自己的草稿")

    as_b = clients["secretary_b"].get(url(company.member_b))
    assert _places(as_b) == {public.title: TeamRole.MEMBER, own.title: TeamRole.LEADER}
    assert "甲支部草稿项目" not in as_b.content.decode()
    # the committee office sees every project in its scope
    assert set(_places(clients["committee_admin"].get(url(company.member_b)))) == {
        "甲支部草稿项目",
        public.title,
        own.title,
    }


def test_it_shows_the_persons_improvement_plans(clients, company, users):
    project_services.plan_create(by=users["secretary_a"], member=company.member_a, year=2026, goal="年度登高目标一")
    project_services.plan_create(
        by=users["secretary_a"], member=company.member_a, year=2025, goal="年度登高目标二", is_done=True
    )
    project_services.plan_create(by=users["secretary_b"], member=company.member_b, year=2026, goal="别人的目标")

    response = clients["reviewer"].get(url(company.member_a))
    body = response.content.decode()

    assert [plan.goal for plan in response.context["plans"]] == ["年度登高目标一", "年度登高目标二"]
    assert 'data-testid="member-plans"' in body and "别人的目标" not in body
    assert reverse("projects:plan_list") in body
    empty = clients["secretary_b"].get(url(company.member_b)).content.decode()
    assert "别人的目标" in empty and 'data-testid="member-projects-empty"' in empty


def test_the_honours_card_sits_under_the_other_cards_without_full_height(clients, company):
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert '<section class="card mb-3" data-testid="honours-card">' in body


# The page's own queries (on branches_* tables): scope, member, ancestors, then the person's team places and
# improvement plans (projects app; both join the organization for the scope). The frame's come on top.
OWN_QUERIES = 5


def test_it_costs_the_same_queries_whatever_the_number_of_projects_and_plans(
    clients, company, users, django_assert_num_queries
):
    client = clients["secretary_a"]
    in_progress(company, users, title="第一个项目")
    client.get(url(company.member_a))
    with CaptureQueriesContext(connection) as ctx:
        client.get(url(company.member_a))
    own = [q for q in ctx.captured_queries if '"branches_' in q["sql"]]
    assert len(own) == OWN_QUERIES
    for i in range(6):
        draft(
            company,
            users,
            title=f"项目{i}",
            leader=MemberFactory(organization=company.branch_a),
            team=[company.member_a],
        )
        project_services.plan_create(by=users["secretary_a"], member=company.member_a, year=2020 + i, goal=f"目标{i}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url(company.member_a))
    assert len(response.context["team_places"]) == 7 and len(response.context["plans"]) == 6
