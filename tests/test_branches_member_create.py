"""member_create: secretaries for their branch, committee admins in scope; server-side validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from branches import services
from branches.models import Member
from portal.audit.models import AuditEvent, Event

from .factories import MemberFactory


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


URL = reverse("branches:member_create")

EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL).status_code == status


def data(org, **overrides):
    values = {
        "name": "王新",
        "gender": "F",
        "employee_no": "N-100",
        "organization": org.pk,
        "party_status": "full",
        "joined_party_on": "2018-07-01",
        "party_post": "",
        "job_title": "技师",
        "skill_grade": "",
        "leader_level": "",
        "on_duty": "on",
        "phone": "137 0000 1234",
    }
    values.update(overrides)
    return values


def test_it_adds_a_person_and_audits_it(clients, company, users):
    response = clients["secretary_a"].post(URL, data(company.group_a1))
    member = Member.objects.get(employee_no="N-100")
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:member_detail", args=[member.pk])
    assert member.organization == company.group_a1
    assert member.phone == "13700001234" and member.on_duty and member.is_active and member.version == 1
    row = AuditEvent.objects.get(event=Event.CREATE, object_id=str(member.pk))
    assert row.user == users["secretary_a"]
    assert "13700001234" not in str(row.detail)


def test_it_offers_only_branches_and_groups_in_scope(clients, company):
    form = clients["secretary_a"].get(URL).context["form"]
    assert [org.name for org in form.fields["organization"].queryset] == ["甲党支部", "甲一党小组"]
    form = clients["committee_admin"].get(URL).context["form"]
    assert {org.kind for org in form.fields["organization"].queryset} == {"branch", "party_group"}


def test_it_preselects_the_organization_given_in_the_url(clients, company):
    form = clients["secretary_a"].get(URL, {"organization": company.group_a1.pk}).context["form"]
    assert form.fields["organization"].initial == company.group_a1.pk
    assert clients["secretary_a"].get(URL, {"organization": company.branch_b.pk}).status_code == 404


@pytest.mark.parametrize("org_attr", ["branch_b", "general", "committee"])
def test_it_refuses_an_organization_outside_the_scope_or_of_the_wrong_kind(clients, company, org_attr):
    response = clients["secretary_a"].post(URL, data(getattr(company, org_attr)))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Member.objects.filter(employee_no="N-100").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "1380013"}, "phone", "Enter an 11-digit mobile number"),
        ({"phone": "abcdefghijk"}, "phone", "Enter an 11-digit mobile number"),
        ({"employee_no": "工号 1"}, "employee_no", "Employee numbers have 2–20 letters"),
        ({"name": "   "}, "name", "Enter the person's name."),
        (
            {"joined_party_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "joined_party_on",
            "cannot be in the future",
        ),
        ({"joined_party_on": "2020-13-45"}, "joined_party_on", "Enter a valid date."),
        (
            {"party_status": "none", "joined_party_on": "", "party_post": "deputy"},
            "party_post",
            "cannot hold a party post",
        ),
        ({"party_status": "none"}, "joined_party_on", "no Party joining date"),
        ({"gender": "X"}, "gender", "Select a valid choice."),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(clients, company, overrides, field, message):
    response = clients["secretary_a"].post(URL, data(company.branch_a, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert escape(message) in response.content.decode()
    assert not Member.objects.filter(employee_no=overrides.get("employee_no", "N-100")).exists()


def test_it_refuses_an_employee_number_already_registered(clients, company):
    MemberFactory(organization=company.branch_b, employee_no="N-100")
    response = clients["secretary_a"].post(URL, data(company.branch_a, employee_no="n-100"))
    assert response.context["form"].errors["employee_no"] == [str(services.EMPLOYEE_NO_TAKEN)]
    assert Member.objects.filter(employee_no__iexact="n-100").count() == 1


def test_it_ignores_fields_that_are_not_in_the_form(clients, company):
    clients["secretary_a"].post(URL, data(company.branch_a, is_active="", version="99", created_at="2000-01-01"))
    member = Member.objects.get(employee_no="N-100")
    assert member.is_active and member.version == 1
    assert member.created_at.year == timezone.now().year
