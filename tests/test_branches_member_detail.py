"""member_detail: every field, phone masked, actions by role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from branches import services


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_detail", args=[member.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 404,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.member_a)).status_code == status


def test_it_shows_every_field_with_the_phone_masked(clients, company):
    member = company.member_a
    services.member_update(
        member=member,
        changes={"skill_grade": "高级技师", "party_post": "secretary", "leader_level": "department"},
        expected_version=1,
    )
    body = clients["secretary_a"].get(url(member)).content.decode()
    for text in ("张甲", member.employee_no, "Male", "甲党支部", "Party member", "工程师", "高级技师", "Secretary"):
        assert text in body
    assert "Department-level leader" in body
    assert member.joined_party_on.isoformat() in body
    assert "138****8000" in body
    assert "13800138000" not in body


@pytest.mark.parametrize(
    ("role", "reveal", "history", "edit"),
    [
        ("secretary_a", True, True, True),
        ("committee_admin", True, True, True),
        ("reviewer", False, False, False),
    ],
)
def test_it_offers_actions_by_role(clients, company, role, reveal, history, edit):
    body = clients[role].get(url(company.member_a)).content.decode()
    assert ('data-testid="reveal-phone"' in body) is reveal
    assert ('data-testid="member-history"' in body) is history
    assert ('data-testid="edit-member"' in body) is edit
    assert ('data-testid="deactivate-member"' in body) is edit


def test_it_marks_a_deactivated_person_read_only(clients, company):
    services.member_deactivate(member=company.member_a)
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert 'data-testid="deactivated"' in body
    assert 'data-testid="edit-member"' not in body
    assert 'data-testid="deactivate-member"' not in body


def test_it_offers_no_reveal_when_there_is_no_phone(clients, company):
    services.member_update(member=company.member_a, changes={"phone": ""}, expected_version=1)
    body = clients["secretary_a"].get(url(company.member_a)).content.decode()
    assert 'data-testid="reveal-phone"' not in body
