"""honor_revoke: the committee office revokes an honour in its scope, with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors.models import Honor
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import UserFactory
from .honors_support import make_external_honor


def url(honor) -> str:
    return reverse("honors:honor_revoke", args=[honor.pk])


EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,
    "reviewer": 403,
    "committee_admin": 302,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, users, role, status):
    honor = make_external_honor(company, users)
    response = clients[role].post(url(honor), {"reason": "材料不实"})
    assert response.status_code == status
    honor.refresh_from_db()
    assert honor.is_active is (role != "committee_admin")
    if status == 403:
        assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, detail__action="honor.revoke").exists()


def test_it_takes_posts_only(clients, company, users):
    honor = make_external_honor(company, users)
    assert clients["committee_admin"].get(url(honor)).status_code == 405


def test_it_revokes_with_a_reason_and_hides_the_honour(clients, company, users):
    honor = make_external_honor(company, users, title="要撤销的荣誉")
    response = clients["committee_admin"].post(url(honor), {"reason": "  材料不实  "}, follow=True)
    honor.refresh_from_db()
    assert not honor.is_active and honor.revoked_reason == "材料不实"
    assert "The honour has been revoked." in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE, object_id=str(honor.pk)).exists()
    member_page = clients["secretary_a"].get(reverse("branches:member_detail", args=[company.member_a.pk]))
    assert "要撤销的荣誉" not in member_page.content.decode()
    assert "要撤销的荣誉" not in clients["staff"].get(reverse("honors:honor_list")).content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason(clients, company, users, reason):
    honor = make_external_honor(company, users)
    response = clients["committee_admin"].post(url(honor), {"reason": reason})
    assert response.status_code == 400
    assert response.context["revoke_form"].errors["reason"] == ["Please give a reason."]
    honor.refresh_from_db()
    assert honor.is_active


def test_it_explains_an_honour_already_revoked(clients, company, users):
    honor = make_external_honor(company, users)
    client = clients["committee_admin"]
    client.post(url(honor), {"reason": "第一次"})
    response = client.post(url(honor), {"reason": "第二次"}, follow=True)
    assert "This honour is already revoked." in response.content.decode()
    assert Honor.objects.get(pk=honor.pk).revoked_reason == "第一次"


def test_it_refuses_a_committee_admin_of_another_scope(company, users):
    honor = make_external_honor(company, users)  # branch A's
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    assert client_for(admin_b).post(url(honor), {"reason": "越权"}).status_code == 403  # the roll is public: 403
    honor.refresh_from_db()
    assert honor.is_active


def test_it_answers_404_for_a_revoked_honour_out_of_scope(company, users, clients):
    honor = make_external_honor(company, users)
    clients["committee_admin"].post(url(honor), {"reason": "撤销"})
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    assert client_for(admin_b).post(url(honor), {"reason": "再撤"}).status_code == 404
