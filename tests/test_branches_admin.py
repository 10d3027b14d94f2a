"""Django admin for organizations and members: committee admins only, scoped, audited, no delete."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation

from branches import services
from branches.models import Member, Organization, OrgKind
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


MEMBERS = reverse("admin:branches_member_changelist")
ORGS = reverse("admin:branches_organization_changelist")


def member_change(member) -> str:
    return reverse("admin:branches_member_change", args=[member.pk])


def org_change(org) -> str:
    return reverse("admin:branches_organization_change", args=[org.pk])


# role -> expected status of the member changelist
EXPECTED = {
    "visitor": 302,
    "staff": 403,  # the admin site itself refuses roles without admin.site
    "secretary_a": 403,
    "secretary_b": 403,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,  # in the admin site, but business data is not theirs (三员分立)
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(MEMBERS).status_code == status
    assert clients[role].get(ORGS).status_code == status


def test_it_lists_the_app_on_the_index_for_committee_admins_only(clients, company):
    assert "branches/member/" in clients["committee_admin"].get(reverse("admin:index")).content.decode()
    assert "branches/member/" not in clients["sysadmin"].get(reverse("admin:index")).content.decode()


def test_it_refuses_even_a_superuser_business_data(company):
    root = UserFactory(role=Role.SYSADMIN, is_superuser=True, is_staff=True)
    client = client_for(root)
    assert client.get(MEMBERS).status_code == 403
    assert client.get(member_change(company.member_a)).status_code == 403


def test_it_masks_phones_in_the_list_and_searches_by_name_or_number(clients, company):
    body = clients["committee_admin"].get(MEMBERS).content.decode()
    assert "138****8000" in body and "13800138000" not in body
    found = clients["committee_admin"].get(MEMBERS, {"q": company.member_b.employee_no}).context["cl"].result_list
    assert list(found) == [company.member_b]
    found = clients["committee_admin"].get(MEMBERS, {"q": "张甲"}).context["cl"].result_list
    assert list(found) == [company.member_a]


@pytest.fixture
def admin_b(company):
    return client_for(UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True))


def test_it_scopes_querysets_and_filters_to_the_users_subtree(admin_b, company):
    response = admin_b.get(MEMBERS)
    assert list(response.context["cl"].result_list) == [company.member_b]
    body = response.content.decode()
    assert "甲党支部" not in body
    assert [org.name for org in admin_b.get(ORGS).context["cl"].result_list] == ["乙党支部"]
    assert admin_b.get(member_change(company.member_a)).status_code == 302  # "does not exist"
    assert admin_b.get(org_change(company.branch_a)).status_code == 302


def test_it_allows_no_deletion_for_anyone(clients, company):
    client = clients["committee_admin"]
    assert client.get(reverse("admin:branches_member_delete", args=[company.member_a.pk])).status_code == 403
    assert client.post(reverse("admin:branches_organization_delete", args=[company.group_a1.pk])).status_code == 403
    actions = dict(client.get(MEMBERS).context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions and "deactivate_selected" in actions
    assert Member.objects.filter(pk=company.member_a.pk).exists()


def member_data(member, **overrides):
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
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_it_saves_a_member_through_the_service(clients, company, users):
    client = clients["committee_admin"]
    assert "13800138000" not in client.get(member_change(company.member_a)).content.decode()
    response = client.post(member_change(company.member_a), member_data(company.member_a, job_title="主任工程师"))
    assert response.status_code == 302
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "主任工程师" and company.member_a.version == 2
    assert company.member_a.phone == "13800138000"
    row = AuditEvent.objects.get(event=Event.UPDATE, object_id=str(company.member_a.pk))
    assert row.user == users["committee_admin"] and row.detail["diff"] == {"job_title": ["工程师", "主任工程师"]}
    assert company.member_a.history.latest().history_user == users["committee_admin"]


def test_it_refuses_a_stale_version_in_the_admin(clients, company):
    services.member_update(member=company.member_a, changes={"job_title": "别人改的"}, expected_version=1)
    response = clients["committee_admin"].post(
        member_change(company.member_a), member_data(company.member_a, job_title="我改的", version=1)
    )
    assert response.status_code == 200
    assert str(services.CONFLICT_MESSAGE) in response.content.decode()
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "别人改的"


def test_it_validates_members_like_the_portal(clients, company):
    response = clients["committee_admin"].post(
        member_change(company.member_a),
        member_data(company.member_a, employee_no=company.member_b.employee_no, phone="123"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert str(services.EMPLOYEE_NO_TAKEN) in body
    company.member_a.refresh_from_db()
    assert company.member_a.version == 1


def test_it_adds_a_member_through_the_service(clients, company, users):
    data = member_data(company.member_a, employee_no="ADM-1", name="新人")
    data.pop("version")
    response = clients["committee_admin"].post(reverse("admin:branches_member_add"), data)
    assert response.status_code == 302
    member = Member.objects.get(employee_no="ADM-1")
    assert AuditEvent.objects.filter(
        event=Event.CREATE, object_id=str(member.pk), user=users["committee_admin"]
    ).exists()


def test_it_adds_an_organization_with_treebeard_through_the_service(clients, company, users):
    response = clients["committee_admin"].post(
        reverse("admin:branches_organization_add"),
        {"parent": company.branch_b.pk, "name": "乙一党小组", "kind": OrgKind.PARTY_GROUP, "code": "", "order": 0},
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="乙一党小组")
    assert Organization.objects.get_parent(org) == company.branch_b
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(org.pk), user=users["committee_admin"]).exists()


def test_it_refuses_a_wrong_kind_in_the_admin(clients, company):
    response = clients["committee_admin"].post(
        reverse("admin:branches_organization_add"),
        {"parent": company.branch_b.pk, "name": "错", "kind": OrgKind.BRANCH, "code": "", "order": 0},
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(name="错").exists()


def test_it_changes_an_organization_through_the_service(clients, company):
    response = clients["committee_admin"].post(
        org_change(company.branch_b),
        {"name": "乙党支部（新）", "kind": "branch", "code": "B0B", "order": 2, "version": 1, "_save": "Save"},
    )
    assert response.status_code == 302
    company.branch_b.refresh_from_db()
    assert company.branch_b.name == "乙党支部（新）" and company.branch_b.version == 2
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(company.branch_b.pk)).exists()


def run_action(client, url, action, objs):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objs], "index": 0}, follow=True)


def test_it_deactivates_and_reactivates_with_actions(clients, company):
    client = clients["committee_admin"]
    response = run_action(client, MEMBERS, "deactivate_selected", [company.member_a])
    assert "1 person(s) deactivated." in response.content.decode()
    company.member_a.refresh_from_db()
    assert not company.member_a.is_active
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE, object_id=str(company.member_a.pk)).exists()
    run_action(client, MEMBERS, "reactivate_selected", [company.member_a])
    company.member_a.refresh_from_db()
    assert company.member_a.is_active


def test_it_reports_organizations_the_action_cannot_deactivate(clients, company):
    response = run_action(clients["committee_admin"], ORGS, "deactivate_selected", [company.group_a1, company.branch_b])
    body = response.content.decode()
    assert "1 organization(s) deactivated." in body
    assert "still has 1 active member(s)" in body
    company.branch_b.refresh_from_db()
    company.group_a1.refresh_from_db()
    assert company.branch_b.is_active and not company.group_a1.is_active


def test_it_masks_phones_in_the_admin_history(clients, company):
    services.member_update(member=company.member_a, changes={"phone": "13911112222"}, expected_version=1)
    client = clients["committee_admin"]
    body = client.get(reverse("admin:branches_member_history", args=[company.member_a.pk])).content.decode()
    assert "139****2222" in body
    assert "13911112222" not in body and "13800138000" not in body
    first = company.member_a.history.earliest()
    version_url = reverse("admin:branches_member_simple_history", args=[company.member_a.pk, first.history_id])
    assert "13800138000" not in client.get(version_url).content.decode()


def test_it_never_restores_a_past_version(clients, company):
    first = company.member_a.history.earliest()
    version_url = reverse("admin:branches_member_simple_history", args=[company.member_a.pk, first.history_id])
    data = member_data(company.member_a, job_title="回滚")
    assert clients["committee_admin"].post(version_url, data).status_code == 403
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "工程师"
