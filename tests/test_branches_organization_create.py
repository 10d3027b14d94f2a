"""organization_create: committee admins add nodes under a parent in their scope."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services
from branches.models import Organization, OrgKind
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import UserFactory, make_org


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


URL = reverse("branches:organization_create")

# role -> expected status for GET ?parent=<branch A>
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
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL, {"parent": company.branch_a.pk}).status_code == status


def test_it_audits_a_refusal(clients, company, users):
    clients["reviewer"].post(URL, {"parent": company.branch_a.pk, "name": "x", "kind": OrgKind.PARTY_GROUP})
    row = AuditEvent.objects.get(event=Event.ACCESS_DENIED, user=users["reviewer"])
    assert row.detail["action"] == "organization.create"
    assert not Organization.objects.filter(name="x").exists()


def post(client, **data):
    return client.post(URL, data)


def test_it_creates_a_party_group_under_a_branch(clients, company, users):
    response = post(
        clients["committee_admin"], parent=company.branch_b.pk, name="乙一党小组", kind=OrgKind.PARTY_GROUP, code="p0b1"
    )
    org = Organization.objects.get(name="乙一党小组")
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:organization_detail", args=[org.pk])
    assert Organization.objects.get_parent(org) == company.branch_b
    assert org.code == "P0B1"
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(org.pk), user=users["committee_admin"]).exists()


def test_it_limits_kind_choices_to_what_the_parent_can_hold(clients, company):
    form = clients["committee_admin"].get(URL, {"parent": company.branch_a.pk}).context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == [OrgKind.PARTY_GROUP]
    assert form.fields["parent"].initial == company.branch_a.pk


def test_it_refuses_a_kind_the_parent_cannot_hold(clients, company):
    response = post(clients["committee_admin"], parent=company.branch_a.pk, name="错误", kind=OrgKind.BRANCH)
    assert response.status_code == 200
    assert "A Party branch can only hold: Party group." in response.context["form"].errors["kind"]
    assert not Organization.objects.filter(name="错误").exists()


def test_it_refuses_a_duplicate_code(clients, company):
    response = post(clients["committee_admin"], parent=company.general.pk, name="丙党支部", kind="branch", code="b0a")
    assert response.context["form"].errors["code"] == [str(services.CODE_TAKEN)]
    assert not Organization.objects.filter(name="丙党支部").exists()


def test_it_requires_a_name(clients, company):
    response = post(clients["committee_admin"], parent=company.general.pk, name="  ", kind="branch")
    assert "name" in response.context["form"].errors


def test_it_refuses_a_parent_outside_the_scope(company):
    other_admin = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True)
    client = client_for(other_admin)
    assert client.get(URL, {"parent": company.branch_a.pk}).status_code == 404
    response = post(client, parent=company.branch_a.pk, name="越权小组", kind=OrgKind.PARTY_GROUP)
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="越权小组").exists()


def test_it_refuses_to_add_under_a_deactivated_parent(clients, company):
    old = make_org("旧党支部", OrgKind.BRANCH, company.general, code="B0X")
    services.organization_deactivate(organization=old)
    response = clients["committee_admin"].get(URL, {"parent": old.pk})
    assert response.status_code == 302
    response = post(clients["committee_admin"], parent=old.pk, name="小组", kind=OrgKind.PARTY_GROUP)
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="小组").exists()


def test_it_gives_404_for_a_malformed_parent(clients):
    assert clients["committee_admin"].get(URL, {"parent": "abc"}).status_code == 404


def test_it_ignores_posted_fields_that_are_not_in_the_form(clients, company):
    post(
        clients["committee_admin"],
        parent=company.general.pk,
        name="丙党支部",
        kind="branch",
        is_active="false",
        version="42",
        path="0001",
    )
    org = Organization.objects.get(name="丙党支部")
    assert org.is_active and org.version == 1
    assert org.path.startswith(company.general.path) and org.path != "0001"
