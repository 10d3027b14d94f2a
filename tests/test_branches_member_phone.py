"""member_phone (POST, htmx): the full number for roles allowed by member.view_phone, audited."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from portal.audit.models import AuditEvent, Event


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_phone", args=[member.pk])


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
    response = clients[role].post(url(company.member_a), headers={"HX-Request": "true"})
    assert response.status_code == status
    assert ("13800138000" in response.content.decode()) is (status == 200)
    revealed = AuditEvent.objects.filter(event=Event.PERSONAL_DATA_VIEW, object_id=str(company.member_a.pk))
    assert revealed.exists() is (status == 200)


def test_it_returns_the_fragment_and_audits_the_reveal(clients, company, users):
    response = clients["secretary_a"].post(url(company.member_a), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'data-testid="full-phone"' in body and "13800138000" in body
    assert "<html" not in body
    row = AuditEvent.objects.get(event=Event.PERSONAL_DATA_VIEW)
    assert row.user == users["secretary_a"]
    assert row.object_type == "branches.member" and row.object_id == str(company.member_a.pk)
    assert "13800138000" not in json.dumps(row.detail)


def test_it_renders_the_whole_page_without_htmx(clients, company):
    response = clients["committee_admin"].post(url(company.member_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "13800138000" in body


def test_it_refuses_get(clients, company):
    assert clients["secretary_a"].get(url(company.member_a)).status_code == 405
    assert not AuditEvent.objects.filter(event=Event.PERSONAL_DATA_VIEW).exists()


def test_it_audits_a_refused_reveal(clients, company, users):
    clients["reviewer"].post(url(company.member_a))
    row = AuditEvent.objects.get(event=Event.ACCESS_DENIED, user=users["reviewer"])
    assert row.detail["action"] == "member.view_phone"
