"""organization_deactivate (POST): only empty organizations, never deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches.models import Organization
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
    return reverse("branches:organization_deactivate", args=[org.pk])


# role -> expected status for POST on group A1 (empty, so the committee admin succeeds)
EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,  # the role never may: refused before the lookup
    "reviewer": 403,
    "committee_admin": 302,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].post(url(company.group_a1)).status_code == status
    company.group_a1.refresh_from_db()
    assert company.group_a1.is_active is (role != "committee_admin")


def test_it_refuses_get(clients, company):
    assert clients["committee_admin"].get(url(company.group_a1)).status_code == 405
    company.group_a1.refresh_from_db()
    assert company.group_a1.is_active


def test_it_deactivates_an_empty_organization_and_keeps_it(clients, company, users):
    response = clients["committee_admin"].post(url(company.group_a1), {"version": 1}, follow=True)
    assert "has been deactivated" in response.content.decode()
    org = Organization.objects.get(pk=company.group_a1.pk)
    assert not org.is_active
    assert AuditEvent.objects.filter(
        event=Event.DEACTIVATE, object_id=str(org.pk), user=users["committee_admin"]
    ).exists()


def test_it_refuses_an_organization_with_active_members(clients, company):
    response = clients["committee_admin"].post(url(company.branch_b), follow=True)
    body = response.content.decode()
    assert "still has 1 active member(s)" in body
    company.branch_b.refresh_from_db()
    assert company.branch_b.is_active


def test_it_refuses_an_organization_with_active_children(clients, company):
    response = clients["committee_admin"].post(url(company.general), follow=True)
    assert "active sub-organization(s)" in response.content.decode()
    company.general.refresh_from_db()
    assert company.general.is_active


def test_it_refuses_a_stale_version(clients, company):
    response = clients["committee_admin"].post(url(company.group_a1), {"version": 7}, follow=True)
    assert "Someone else changed this record" in response.content.decode()
    company.group_a1.refresh_from_db()
    assert company.group_a1.is_active


def test_it_returns_to_a_safe_next_page_only(clients, company):
    list_url = reverse("branches:organization_list")
    response = clients["committee_admin"].post(url(company.group_a1), {"next": list_url})
    assert response["Location"] == list_url
    response = clients["committee_admin"].post(url(company.branch_b), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("branches:organization_detail", args=[company.branch_b.pk])


def test_it_gives_404_to_a_committee_admin_of_another_subtree(company):
    admin_b = client_for(UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True))
    assert admin_b.post(url(company.group_a1)).status_code == 404
    company.group_a1.refresh_from_db()
    assert company.group_a1.is_active
