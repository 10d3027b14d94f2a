"""organization_history: committee admins in scope and auditors read the change list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services
from portal.accounts.models import Role

from .conftest import client_for
from .factories import UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(org) -> str:
    return reverse("branches:organization_history", args=[org.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,  # the role never may: refused before the lookup
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 200,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.branch_a)).status_code == status


def test_it_lists_who_changed_which_field_from_what_to_what(clients, company, users):
    clients["committee_admin"].post(
        reverse("branches:organization_edit", args=[company.branch_a.pk]),
        {"name": "甲党支部（改）", "kind": "branch", "code": "B0A", "order": 0, "version": 1},
    )
    response = clients["auditor"].get(url(company.branch_a))
    entries = response.context["entries"]
    assert entries[0].kind == "~"
    assert entries[0].who == users["committee_admin"].get_full_name()
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [("name", "甲党支部", "甲党支部（改）")]
    assert entries[-1].kind == "+"
    body = response.content.decode()
    assert "甲党支部（改）" in body
    # the auditor may not open the organization page: no back link to it
    assert response.context["back_url"] == ""
    assert f'href="{reverse("branches:organization_detail", args=[company.branch_a.pk])}"' not in body


def test_it_shows_deactivation_in_the_history(clients, company):
    services.organization_deactivate(organization=company.group_a1)
    entries = clients["committee_admin"].get(url(company.group_a1)).context["entries"]
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [("is_active", "Yes", "No")]


def test_it_gives_404_to_a_committee_admin_of_another_subtree(company):
    admin_b = client_for(UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True))
    assert admin_b.get(url(company.branch_a)).status_code == 404
