"""organization_edit: committee admins rename, recode, reorder; optimistic locking."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services
from branches.models import OrgKind
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(org) -> str:
    return reverse("branches:organization_edit", args=[org.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,  # the role never may: refused before the lookup
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.branch_a)).status_code == status


def data(org, **overrides):
    values = {"name": org.name, "kind": org.kind, "code": org.code or "", "order": org.order, "version": org.version}
    values.update(overrides)
    return values


def test_it_saves_changes_and_bumps_the_version(clients, company, users):
    response = clients["committee_admin"].post(url(company.branch_a), data(company.branch_a, name="甲党支部（改）"))
    assert response.status_code == 302
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "甲党支部（改）" and company.branch_a.version == 2
    row = AuditEvent.objects.get(event=Event.UPDATE, object_id=str(company.branch_a.pk))
    assert row.detail["diff"]["name"] == ["甲党支部", "甲党支部（改）"]
    assert row.user == users["committee_admin"]


def test_it_refuses_a_stale_version_with_a_clear_message(clients, company):
    services.organization_update(organization=company.branch_a, changes={"name": "别人改的"}, expected_version=1)
    response = clients["committee_admin"].post(url(company.branch_a), data(company.branch_a, name="我改的", version=1))
    assert response.status_code == 409
    assert str(services.CONFLICT_MESSAGE) in response.content.decode()
    assert 'data-testid="conflict"' in response.content.decode()
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "别人改的" and company.branch_a.version == 2


@pytest.mark.parametrize("version", ["", "abc", "0"])
def test_it_refuses_a_missing_or_damaged_version(clients, company, version):
    response = clients["committee_admin"].post(
        url(company.branch_a), data(company.branch_a, name="新名", version=version)
    )
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "甲党支部"


def test_it_refuses_a_duplicate_code(clients, company):
    response = clients["committee_admin"].post(url(company.branch_a), data(company.branch_a, code="B0B"))
    assert response.context["form"].errors["code"] == [str(services.CODE_TAKEN)]
    company.branch_a.refresh_from_db()
    assert company.branch_a.code == "B0A"


def test_it_offers_only_kinds_allowed_under_the_parent(clients, company):
    form = clients["committee_admin"].get(url(company.branch_a)).context["form"]
    assert {value for value, _ in form.fields["kind"].choices} == {OrgKind.BRANCH}
    response = clients["committee_admin"].post(url(company.branch_a), data(company.branch_a, kind=OrgKind.COMMITTEE))
    assert "kind" in response.context["form"].errors


def test_it_explains_a_kind_change_that_breaks_the_tree(clients, company):
    # under a committee a branch may become a general branch, but not one that holds people
    response = clients["committee_admin"].post(url(company.general), data(company.general, kind=OrgKind.BRANCH))
    assert "kind" in response.context["form"].errors
    company.general.refresh_from_db()
    assert company.general.kind == OrgKind.GENERAL_BRANCH


def test_it_ignores_posted_is_active(clients, company):
    clients["committee_admin"].post(url(company.branch_a), data(company.branch_a, name="新名", is_active=""))
    company.branch_a.refresh_from_db()
    assert company.branch_a.is_active and company.branch_a.name == "新名"


def test_it_gives_404_to_a_committee_admin_of_another_subtree(company):
    admin_b = client_for(UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True))
    assert admin_b.get(url(company.branch_a)).status_code == 404
    assert admin_b.get(url(company.branch_b)).status_code == 200
