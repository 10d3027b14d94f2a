"""member_deactivate (POST): off the roster, never deleted, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services
from branches.models import Member
from portal.audit.models import AuditEvent, Event


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_deactivate", args=[member.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 302,
    "secretary_b": 404,
    "reviewer": 403,
    "committee_admin": 302,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].post(url(company.member_a)).status_code == status
    company.member_a.refresh_from_db()
    assert company.member_a.is_active is (role not in ("secretary_a", "committee_admin"))


def test_it_refuses_get(clients, company):
    assert clients["secretary_a"].get(url(company.member_a)).status_code == 405
    company.member_a.refresh_from_db()
    assert company.member_a.is_active


def test_it_deactivates_keeps_the_record_and_audits(clients, company, users):
    response = clients["secretary_a"].post(url(company.member_a), {"version": 1}, follow=True)
    assert "has been taken off the roster" in response.content.decode()
    member = Member.objects.get(pk=company.member_a.pk)
    assert not member.is_active
    assert AuditEvent.objects.filter(
        event=Event.DEACTIVATE, object_id=str(member.pk), user=users["secretary_a"]
    ).exists()


def test_it_refuses_a_stale_version(clients, company):
    services.member_update(member=company.member_a, changes={"job_title": "x"}, expected_version=1)
    response = clients["secretary_a"].post(url(company.member_a), {"version": 1}, follow=True)
    assert "Someone else changed this record" in response.content.decode()
    company.member_a.refresh_from_db()
    assert company.member_a.is_active


def test_it_says_so_when_already_deactivated(clients, company):
    services.member_deactivate(member=company.member_a)
    response = clients["secretary_a"].post(url(company.member_a), follow=True)
    assert "already deactivated" in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE).count() == 1
