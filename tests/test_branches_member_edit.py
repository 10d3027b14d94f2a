"""member_edit: validation, scope, optimistic locking, the phone kept unless replaced."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services
from portal.audit.models import AuditEvent, Event


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_edit", args=[member.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 404,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.member_a)).status_code == status


def data(member, **overrides):
    values = {
        "name": member.name,
        "gender": member.gender,
        "employee_no": member.employee_no,
        "organization": member.organization_id,
        "party_status": member.party_status,
        "joined_party_on": member.joined_party_on.isoformat() if member.joined_party_on else "",
        "party_post": member.party_post,
        "job_title": member.job_title,
        "skill_grade": member.skill_grade,
        "leader_level": member.leader_level,
        "on_duty": "on" if member.on_duty else "",
        "phone": "",
        "version": member.version,
    }
    values.update(overrides)
    return values


def test_it_never_puts_the_full_phone_in_the_form(clients, company):
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert "13800138000" not in body
    assert "138****8000" in body


def test_it_saves_changes_bumps_the_version_and_keeps_the_phone(clients, company, users):
    member = company.member_a
    response = clients["secretary_a"].post(url(member), data(member, job_title="高级工程师", party_post="deputy"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.job_title, member.party_post, member.version) == ("高级工程师", "deputy", 2)
    assert member.phone == "13800138000"
    row = AuditEvent.objects.get(event=Event.UPDATE, object_id=str(member.pk))
    assert row.user == users["secretary_a"]
    assert set(row.detail["diff"]) == {"job_title", "party_post"}


def test_it_replaces_or_removes_the_phone(clients, company):
    member = company.member_a
    clients["secretary_a"].post(url(member), data(member, phone="139-1111-2222"))
    member.refresh_from_db()
    assert member.phone == "13911112222"
    clients["secretary_a"].post(url(member), data(member, clear_phone="on"))
    member.refresh_from_db()
    assert member.phone == ""


def test_it_refuses_a_new_phone_and_removal_together(clients, company):
    response = clients["secretary_a"].post(
        url(company.member_a), data(company.member_a, phone="13911112222", clear_phone="on")
    )
    assert "phone" in response.context["form"].errors
    company.member_a.refresh_from_db()
    assert company.member_a.phone == "13800138000"


def test_it_refuses_a_stale_version_with_a_clear_message_and_saves_nothing(clients, company):
    services.member_update(member=company.member_a, changes={"job_title": "别人改的"}, expected_version=1)
    response = clients["secretary_a"].post(url(company.member_a), data(company.member_a, job_title="我改的", version=1))
    assert response.status_code == 409
    body = response.content.decode()
    assert str(services.CONFLICT_MESSAGE) in body
    assert 'data-testid="conflict"' in body
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "别人改的" and company.member_a.version == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "2380013800"}, "phone"),
        ({"employee_no": ""}, "employee_no"),
        ({"party_status": "none", "joined_party_on": ""}, "party_post"),
        ({"joined_party_on": "2999-01-01"}, "joined_party_on"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(clients, company, overrides, field):
    member = company.member_a
    member.party_post = "deputy"
    response = clients["secretary_a"].post(url(member), data(member, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    member.refresh_from_db()
    assert member.version == 1 and member.party_post == ""


def test_it_refuses_the_employee_number_of_someone_else(clients, company):
    response = clients["secretary_a"].post(
        url(company.member_a), data(company.member_a, employee_no=company.member_b.employee_no.lower())
    )
    assert response.context["form"].errors["employee_no"] == [str(services.EMPLOYEE_NO_TAKEN)]


def test_it_refuses_moving_a_person_out_of_the_scope(clients, company):
    response = clients["secretary_a"].post(
        url(company.member_a), data(company.member_a, organization=company.branch_b.pk)
    )
    assert "organization" in response.context["form"].errors
    company.member_a.refresh_from_db()
    assert company.member_a.organization == company.branch_a


def test_it_ignores_posted_is_active(clients, company):
    clients["secretary_a"].post(url(company.member_a), data(company.member_a, job_title="新岗位", is_active=""))
    company.member_a.refresh_from_db()
    assert company.member_a.is_active and company.member_a.job_title == "新岗位"


def test_it_keeps_a_deactivated_person_read_only(clients, company):
    services.member_deactivate(member=company.member_a)
    response = clients["secretary_a"].post(url(company.member_a), data(company.member_a, job_title="改不了", version=2))
    assert response.status_code == 302
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "工程师"
