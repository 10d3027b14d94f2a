"""member_history: the simple_history change list, phone masked."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(member) -> str:
    return reverse("branches:member_history", args=[member.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 404,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 200,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(url(company.member_a)).status_code == status


def edit(client, member, **changes):
    data = {
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
    data.update(changes)
    return client.post(reverse("branches:member_edit", args=[member.pk]), data)


def test_it_lists_who_changed_which_field_from_what_to_what(clients, company, users):
    response = edit(clients["secretary_a"], company.member_a, job_title="高级工程师", organization=company.group_a1.pk)
    assert response.status_code == 302
    response = clients["committee_admin"].get(url(company.member_a))
    latest = response.context["entries"][0]
    assert latest.who == users["secretary_a"].get_full_name()
    changes = {c.field: (c.old, c.new) for c in latest.changes}
    assert changes == {"job_title": ("工程师", "高级工程师"), "organization": ("甲党支部", "甲一党小组")}
    assert response.context["entries"][-1].kind == "+"


def test_it_masks_the_phone_in_the_history(clients, company):
    edit(clients["secretary_a"], company.member_a, phone="13911112222")
    response = clients["auditor"].get(url(company.member_a))
    body = response.content.decode()
    changes = {c.field: (c.old, c.new) for c in response.context["entries"][0].changes}
    assert changes["phone"] == ("138****8000", "139****2222")
    assert "13911112222" not in body and "13800138000" not in body
