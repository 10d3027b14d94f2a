"""liaison_create and liaison_end: the committee assigns members to follow branches (联系点)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from honors import services
from honors.models import Liaison
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import MemberFactory, UserFactory
from .honors_support import today


def create_url(org) -> str:
    return reverse("honors:liaison_create", args=[org.pk])


def end_url(liaison) -> str:
    return reverse("honors:liaison_end", args=[liaison.pk])


def assign(users, org, member, since=None) -> Liaison:
    return services.liaison_assign(
        by=users["committee_admin"], organization=org, member=member, since=since or today() - dt.timedelta(days=30)
    )


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_the_form_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(create_url(company.branch_a)).status_code == status


def test_it_assigns_a_liaison(clients, company, users):
    data = {"member": company.member_b.pk, "since": today().isoformat(), "note": "每季度走访"}
    response = clients["committee_admin"].post(create_url(company.branch_a), data, follow=True)
    liaison = Liaison.objects.get()
    assert (liaison.organization, liaison.member, liaison.note, liaison.until) == (
        company.branch_a,
        company.member_b,
        "每季度走访",
        None,
    )
    assert response.redirect_chain[-1][0] == reverse("honors:grade_edit", args=[company.branch_a.pk])
    body = response.content.decode()
    assert "李乙 now follows 甲党支部." in body and 'data-testid="liaison-row"' in body
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="honors.liaison").exists()


def test_it_searches_people_by_name(clients, company):
    MemberFactory(organization=company.branch_b, name="王五")
    form = clients["committee_admin"].get(create_url(company.branch_a), {"q": "王"}).context["form"]
    assert [m.name for m in form.fields["member"].queryset] == ["王五"]
    body = clients["committee_admin"].get(create_url(company.branch_a), {"q": "没有这个人"}).content.decode()
    assert 'data-testid="no-match"' in body


def test_it_refuses_a_duplicate_assignment(clients, company, users):
    assign(users, company.branch_a, company.member_b)
    data = {"member": company.member_b.pk, "since": today().isoformat()}
    response = clients["committee_admin"].post(create_url(company.branch_a), data)
    assert response.status_code == 400
    assert response.context["form"].errors["member"] == ["李乙 already follows this branch."]
    assert Liaison.objects.count() == 1


def test_it_refuses_inactive_people_and_people_outside_the_scope(clients, company):
    gone = MemberFactory(organization=company.branch_a, is_active=False)
    response = clients["committee_admin"].post(
        create_url(company.branch_a), {"member": gone.pk, "since": today().isoformat()}
    )
    assert response.status_code == 400 and "member" in response.context["form"].errors
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    response = client_for(admin_b).post(
        create_url(company.branch_b), {"member": company.member_a.pk, "since": today().isoformat()}
    )
    assert response.status_code == 400 and "member" in response.context["form"].errors
    assert not Liaison.objects.exists()


def test_it_answers_404_for_a_branch_outside_the_scope(company):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    assert client_for(admin_b).get(create_url(company.branch_a)).status_code == 404


@pytest.mark.parametrize("since", ["", "2026-13-01"])
def test_it_requires_a_valid_start(clients, company, since):
    response = clients["committee_admin"].post(
        create_url(company.branch_a), {"member": company.member_b.pk, "since": since}
    )
    assert response.status_code == 400 and "since" in response.context["form"].errors
    assert not Liaison.objects.exists()


# --- ending ------------------------------------------------------------------------------------------------

END_EXPECTED = {**EXPECTED, "committee_admin": 302}


@pytest.mark.parametrize(("role", "status"), END_EXPECTED.items())
def test_ending_answers_each_role_as_the_matrix_says(clients, company, users, role, status):
    liaison = assign(users, company.branch_a, company.member_b)
    assert clients[role].post(end_url(liaison), {"until": today().isoformat()}).status_code == status
    liaison.refresh_from_db()
    assert (liaison.until is not None) is (role == "committee_admin")


def test_ending_takes_posts_only(clients, company, users):
    liaison = assign(users, company.branch_a, company.member_b)
    assert clients["committee_admin"].get(end_url(liaison)).status_code == 405


def test_it_ends_a_liaison_which_stays_in_the_past_list(clients, company, users):
    liaison = assign(users, company.branch_a, company.member_b)
    response = clients["committee_admin"].post(end_url(liaison), {"until": today().isoformat()}, follow=True)
    liaison.refresh_from_db()
    assert liaison.until == today()
    body = response.content.decode()
    assert "李乙 no longer follows 甲党支部." in body
    assert 'data-testid="liaison-row"' in body and 'data-testid="end-liaison"' not in body


@pytest.mark.parametrize(
    ("until", "message"),
    [("", "This field is required."), ("2000-01-01", "The end cannot be before the start.")],
)
def test_it_refuses_a_bad_end(clients, company, users, until, message):
    liaison = assign(users, company.branch_a, company.member_b)
    response = clients["committee_admin"].post(end_url(liaison), {"until": until}, follow=True)
    assert message in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.until is None


def test_it_explains_a_liaison_already_ended(clients, company, users):
    liaison = assign(users, company.branch_a, company.member_b)
    services.liaison_end(liaison=liaison, by=users["committee_admin"], until=today())
    response = clients["committee_admin"].post(end_url(liaison), {"until": today().isoformat()}, follow=True)
    assert "This liaison point has already ended." in response.content.decode()


def test_ending_answers_404_outside_the_scope(company, users):
    liaison = assign(users, company.branch_a, company.member_b)
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    assert client_for(admin_b).post(end_url(liaison), {"until": today().isoformat()}).status_code == 404
