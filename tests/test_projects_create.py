"""Filing a project (projects:create): the 立项申报表 with its team, and every kind of bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branches.models import PartyStatus
from portal.audit.models import AuditEvent, Event
from projects.models import Project, ProjectTransition, Status, TeamMember, TeamRole

from .factories import MemberFactory
from .projects_support import form_data, team_rows

URL = reverse("projects:create")


@pytest.fixture
def people(company):
    core = MemberFactory(organization=company.group_a1, name="赵核心")
    staff = MemberFactory(
        organization=company.branch_a, name="钱群众", party_status=PartyStatus.NONE, joined_party_on=None
    )
    return core, staff


def test_it_shows_the_four_sections_and_the_team_picker(clients):
    response = clients["secretary_a"].get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("sec-basic", "sec-team", "sec-goals", "sec-plan"):
        assert f'id="{section}"' in html
    assert 'data-testid="team-search"' in html
    assert reverse("projects:member_search") in html
    assert 'id="team-empty-row"' in html
    assert 'data-testid="team-fallback"' in html  # the plain multi-select without JavaScript
    assert 'name="organization"' not in html and 'name="status"' not in html


def test_it_refuses_roles_that_do_not_file(clients):
    for key in ("staff", "reviewer", "committee_admin", "sysadmin", "auditor"):
        assert clients[key].get(URL).status_code == 403, key
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == 5


def test_it_files_a_draft_with_the_team(company, users, clients, people):
    core, staff = people
    data = form_data(company, **team_rows([(core, TeamRole.CORE, "工艺试验"), (staff, TeamRole.MEMBER, "数据采集")]))
    response = clients["secretary_a"].post(URL, data)
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.status == Status.DRAFT
    assert project.organization == company.branch_a
    assert project.created_by == users["secretary_a"]
    assert project.number is None
    team = {t.member_id: (t.role, t.duty) for t in TeamMember.objects.filter(project=project)}
    assert team[company.member_a.pk][0] == TeamRole.LEADER
    assert team[core.pk] == (TeamRole.CORE, "工艺试验")
    assert team[staff.pk] == (TeamRole.MEMBER, "数据采集")
    assert [t.name for t in project.expected_result_types.all()] == ["专利"]
    assert str(project.expected_value) == "12.50"


def test_it_saves_and_submits_in_one_step(company, clients):
    response = clients["secretary_a"].post(URL, form_data(company, action="submit"))
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.status == Status.SUBMITTED
    assert list(ProjectTransition.objects.values_list("action", flat=True)) == ["submit"]


def test_it_accepts_the_plain_multi_select_without_javascript(company, clients, people):
    core, staff = people
    data = form_data(company, extra_members=[str(core.pk), str(staff.pk), str(company.member_a.pk)])
    assert clients["secretary_a"].post(URL, data).status_code == 302
    project = Project.objects.get()
    members = set(project.team.values_list("member_id", flat=True))
    assert members == {company.member_a.pk, core.pk, staff.pk}  # the leader chosen twice is not doubled


def test_it_ignores_posted_status_organization_and_number(company, clients):
    data = form_data(
        company,
        status="evaluated",
        organization=str(company.branch_b.pk),
        number="2026-CX-9999",
        version="77",
        is_public="on",
        created_by="1",
    )
    assert clients["secretary_a"].post(URL, data).status_code == 302
    project = Project.objects.get()
    assert project.status == Status.DRAFT
    assert project.organization == company.branch_a
    assert project.number is None
    assert project.version == 1
    assert project.is_public is False


def _refused(client, data, field=None):
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Project.objects.exists()
    assert not TeamMember.objects.exists()
    form = response.context["form"]
    if field is not None:
        assert field in form.errors, form.errors
        return form.errors[field]
    return response


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"title": ""}, "title", "Give the project a title."),
        ({"title": "   "}, "title", "Give the project a title."),
        ({"title": "长" * 101}, "title", "at most 100 characters"),
        ({"planned_end": "2026-02-01"}, "planned_end", "must not be before the planned start"),
        ({"expected_value": "-1"}, "expected_value", "cannot be negative"),
        ({"expected_value": "十二万"}, "expected_value", "Enter the value as a number"),
        ({"expected_value": "1.234"}, "expected_value", "at most 2 decimal places"),
        ({"planned_start": "2026-13-45"}, "planned_start", "as a date"),
        ({"year": "abc"}, "year", "Enter the year as a number"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(company, clients, overrides, field, expected):
    errors = _refused(clients["secretary_a"], form_data(company, **overrides), field)
    assert any(expected in str(e) for e in errors), errors


def test_it_refuses_a_leader_from_another_branch(company, clients):
    errors = _refused(clients["secretary_a"], form_data(company, leader=str(company.member_b.pk)), "leader")
    assert "Party members of your branch" in str(errors)


def test_it_refuses_a_non_party_leader(company, clients, people):
    _core, staff = people
    errors = _refused(clients["secretary_a"], form_data(company, leader=str(staff.pk)), "leader")
    assert "Party members of your branch" in str(errors)


def test_it_refuses_the_same_person_twice(company, clients, people):
    core, _staff = people
    data = form_data(company, **team_rows([(core, TeamRole.CORE, ""), (core, TeamRole.MEMBER, "")]))
    response = _refused(clients["secretary_a"], data)
    assert "is in the team twice" in " ".join(response.context["team_errors"])
    assert 'data-testid="team-errors"' in response.content.decode()


def test_it_refuses_the_leader_listed_again_in_the_team(company, clients):
    data = form_data(company, **team_rows([(company.member_a, TeamRole.CORE, "")]))
    response = _refused(clients["secretary_a"], data)
    assert "leader is already in the team" in " ".join(response.context["team_errors"])


def test_it_refuses_a_team_member_of_another_branch(company, clients):
    data = form_data(company, **team_rows([(company.member_b, TeamRole.MEMBER, "")]))
    response = _refused(clients["secretary_a"], data)
    assert "not an active member of your branch" in str(response.context["team"].errors)
    data = form_data(company, extra_members=[str(company.member_b.pk)])
    errors = _refused(clients["secretary_a"], data, "extra_members")
    assert "is not a person of your branch" in str(errors)


def test_it_keeps_the_entered_rows_when_refusing(company, clients, people):
    core, _staff = people
    data = form_data(company, title="", **team_rows([(core, TeamRole.CORE, "工艺试验")]))
    response = _refused(clients["secretary_a"], data)
    html = response.content.decode()
    assert "赵核心" in html and "工艺试验" in html
    assert 'data-testid="error-summary"' in html


def test_it_explains_when_the_secretary_has_no_branch(company, users, clients):
    secretary = users["secretary_a"]
    secretary.scope = company.general
    secretary.save()
    response = clients["secretary_a"].get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.text(max_size=120),
    value=st.text(max_size=20),
    start=st.text(max_size=12),
    year=st.text(max_size=6),
    member=st.text(max_size=6),
)
def test_it_never_answers_500_to_random_input(company, clients, title, value, start, year, member):
    data = form_data(
        company,
        title=title,
        expected_value=value,
        planned_start=start,
        year=year,
        **{"team-TOTAL_FORMS": "1", "team-0-member": member, "team-0-role": "core"},
    )
    response = clients["secretary_a"].post(URL, data)
    assert response.status_code in (200, 302)


def test_a_form_posted_twice_files_one_project(company, clients):
    client = clients["secretary_a"]
    token = client.get(URL).context["form"].initial["form_token"]
    first = client.post(URL, form_data(company, form_token=token, action="submit"))
    second = client.post(URL, form_data(company, form_token=token, action="submit"))
    project = Project.objects.get()
    assert first["Location"] == second["Location"] == reverse("projects:detail", args=[project.pk])
    assert ProjectTransition.objects.filter(project=project).count() == 1
