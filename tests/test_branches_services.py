"""branches.services: validation, optimistic locking, audit rows, history, never delete."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from branches import services
from branches.models import Member, Organization, OrgKind, PartyPost, PartyStatus
from portal.audit.models import AuditEvent, Event

from .factories import MemberFactory, make_org


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in their English source form."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def member_values(organization, **overrides):
    values = {
        "name": "王五",
        "gender": "M",
        "employee_no": "N-0001",
        "organization": organization,
        "party_status": PartyStatus.FULL,
        "joined_party_on": timezone.localdate().replace(year=2015),
        "party_post": "",
        "job_title": "工程师",
        "skill_grade": "高级技师",
        "leader_level": "",
        "on_duty": True,
        "phone": "13712345678",
    }
    values.update(overrides)
    return values


def audit_rows(obj, event):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), event=event)


# --- organizations ----------------------------------------------------------------------------


def test_it_creates_a_child_with_treebeard_and_audits_it(company, users):
    org = services.organization_create(
        parent=company.branch_b, name=" 乙一党小组 ", kind=OrgKind.PARTY_GROUP, code="p0b1", by=users["committee_admin"]
    )
    org.refresh_from_db()
    assert Organization.objects.get_parent(org) == company.branch_b
    assert org.name == "乙一党小组"
    assert org.code == "P0B1"
    assert org.version == 1
    row = audit_rows(org, Event.CREATE).get()
    assert row.user == users["committee_admin"]
    assert row.detail["diff"]["name"] == [None, "乙一党小组"]
    assert org.history.get().history_user == users["committee_admin"]


def test_it_creates_a_top_level_committee_with_add_root(db):
    org = services.organization_create(parent=None, name="集团党委", kind=OrgKind.COMMITTEE)
    assert org.depth == 1
    assert Organization.objects.get_parent(org) is None


def test_it_refuses_a_root_that_is_not_a_committee(db):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(parent=None, name="孤儿支部", kind=OrgKind.BRANCH)
    assert "kind" in exc.value.message_dict
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("parent_attr", "kind"),
    [
        ("branch_a", OrgKind.BRANCH),
        ("group_a1", OrgKind.PARTY_GROUP),
        ("general", OrgKind.GENERAL_BRANCH),
        ("general", OrgKind.COMMITTEE),
    ],
)
def test_it_refuses_a_kind_the_parent_cannot_hold(company, parent_attr, kind):
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.organization_create(parent=getattr(company, parent_attr), name="新组织", kind=kind)
    assert "kind" in exc.value.message_dict
    assert Organization.objects.count() == before


def test_it_refuses_a_code_already_used_whatever_the_case(company):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(parent=company.branch_b, name="乙一党小组", kind=OrgKind.PARTY_GROUP, code="b0a")
    assert exc.value.message_dict["code"] == [str(services.CODE_TAKEN)]
    assert not Organization.objects.filter(name="乙一党小组").exists()


def test_it_refuses_to_add_under_a_deactivated_parent(company):
    empty = make_org("空支部", OrgKind.BRANCH, company.general, code="B0E")
    services.organization_deactivate(organization=empty)
    with pytest.raises(ValidationError, match="deactivated"):
        services.organization_create(parent=empty, name="小组", kind=OrgKind.PARTY_GROUP)


def test_it_updates_an_organization_bumps_the_version_and_audits_the_diff(company, users):
    org = services.organization_update(
        organization=company.branch_a,
        changes={"name": "甲党支部（新）", "code": "b0a-new", "order": 3},
        expected_version=1,
        by=users["committee_admin"],
    )
    org.refresh_from_db()
    assert (org.name, org.code, org.order, org.version) == ("甲党支部（新）", "B0A-NEW", 3, 2)
    row = audit_rows(org, Event.UPDATE).get()
    assert row.detail["diff"] == {"name": ["甲党支部", "甲党支部（新）"], "code": ["B0A", "B0A-NEW"], "order": [0, 3]}


def test_it_refuses_a_stale_organization_version_and_saves_nothing(company):
    services.organization_update(organization=company.branch_a, changes={"name": "第一次"}, expected_version=1)
    with pytest.raises(services.ConflictError):
        services.organization_update(organization=company.branch_a, changes={"name": "第二次"}, expected_version=1)
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "第一次"
    assert company.branch_a.version == 2


def test_it_does_not_bump_the_version_when_nothing_changed(company):
    services.organization_update(organization=company.branch_a, changes={"name": "甲党支部"}, expected_version=1)
    company.branch_a.refresh_from_db()
    assert company.branch_a.version == 1
    assert not audit_rows(company.branch_a, Event.UPDATE).exists()


def test_it_refuses_fields_that_are_not_editable(company):
    with pytest.raises(ValueError):
        services.organization_update(organization=company.branch_a, changes={"is_active": False}, expected_version=1)
    with pytest.raises(ValueError):
        services.organization_update(organization=company.branch_a, changes={"version": 9}, expected_version=1)


def test_it_refuses_a_kind_change_that_breaks_the_tree(company):
    # a branch that holds people and a party group cannot become a general branch
    with pytest.raises(ValidationError) as exc:
        services.organization_update(
            organization=company.branch_a, changes={"kind": OrgKind.GENERAL_BRANCH}, expected_version=1
        )
    assert "kind" in exc.value.message_dict
    company.branch_a.refresh_from_db()
    assert company.branch_a.kind == OrgKind.BRANCH


def test_it_refuses_to_deactivate_an_organization_with_active_members(company):
    with pytest.raises(ValidationError, match="active member"):
        services.organization_deactivate(organization=company.branch_b)
    company.branch_b.refresh_from_db()
    assert company.branch_b.is_active


def test_it_refuses_to_deactivate_an_organization_with_active_children(company):
    company.member_a.organization = company.group_a1
    company.member_a.save()
    with pytest.raises(ValidationError, match="sub-organization"):
        services.organization_deactivate(organization=company.branch_a)


def test_it_deactivates_an_empty_organization_without_deleting_it(company, users):
    services.organization_deactivate(organization=company.group_a1, by=users["committee_admin"], expected_version=1)
    org = Organization.objects.get(pk=company.group_a1.pk)
    assert not org.is_active
    assert org.version == 2
    assert audit_rows(org, Event.DEACTIVATE).get().detail["diff"] == {"is_active": [True, False]}
    with pytest.raises(ValidationError, match="already"):
        services.organization_deactivate(organization=org)


def test_it_reactivates_an_organization_only_under_an_active_parent(company):
    services.organization_deactivate(organization=company.group_a1)
    services.organization_reactivate(organization=company.group_a1)
    company.group_a1.refresh_from_db()
    assert company.group_a1.is_active
    assert audit_rows(company.group_a1, Event.REACTIVATE).exists()


# --- members -------------------------------------------------------------------------------------


def test_it_creates_a_member_and_audits_without_the_phone(company, users):
    member = services.member_create(values=member_values(company.branch_a), by=users["secretary_a"])
    member.refresh_from_db()
    assert member.version == 1 and member.is_active
    row = audit_rows(member, Event.CREATE).get()
    assert row.user == users["secretary_a"]
    assert row.detail["diff"]["organization"] == [None, "甲党支部"]
    assert "13712345678" not in json.dumps(row.detail)
    assert member.history.get().history_user == users["secretary_a"]


def test_it_normalises_spaces_in_phone_and_text(company):
    member = services.member_create(
        values=member_values(company.branch_a, phone="137 1234-5678", name="  王五 ", employee_no=" N-9 ")
    )
    assert (member.phone, member.name, member.employee_no) == ("13712345678", "王五", "N-9")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "23812345678"}, "phone"),
        ({"joined_party_on": timezone.localdate() + timedelta(days=1)}, "joined_party_on"),
        ({"party_status": PartyStatus.NONE, "party_post": PartyPost.DEPUTY, "joined_party_on": None}, "party_post"),
        ({"party_status": PartyStatus.NONE}, "joined_party_on"),
        ({"employee_no": "工号!"}, "employee_no"),
        ({"name": ""}, "name"),
    ],
)
def test_it_refuses_bad_member_values_and_saves_nothing(company, overrides, field):
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.member_create(values=member_values(company.branch_a, **overrides))
    assert field in exc.value.message_dict
    assert Member.objects.count() == before
    assert not AuditEvent.objects.filter(event=Event.CREATE, object_type="branches.member").exists()


@pytest.mark.parametrize("employee_no", ["HX-0042", "hx-0042"])
def test_it_says_clearly_that_the_employee_number_is_taken(company, employee_no):
    MemberFactory(organization=company.branch_b, employee_no="HX-0042")
    with pytest.raises(ValidationError) as exc:
        services.member_create(values=member_values(company.branch_a, employee_no=employee_no))
    assert exc.value.message_dict["employee_no"] == [str(services.EMPLOYEE_NO_TAKEN)]
    assert Member.objects.filter(employee_no__iexact="hx-0042").count() == 1


@pytest.mark.parametrize("org_attr", ["committee", "general"])
def test_it_puts_people_only_in_branches_and_groups(company, org_attr):
    with pytest.raises(ValidationError) as exc:
        services.member_create(values=member_values(getattr(company, org_attr)))
    assert "organization" in exc.value.message_dict


def test_it_refuses_a_deactivated_organization_for_people(company):
    empty = make_org("空支部", OrgKind.BRANCH, company.general, code="B0E")
    services.organization_deactivate(organization=empty)
    with pytest.raises(ValidationError) as exc:
        services.member_create(values=member_values(empty))
    assert "organization" in exc.value.message_dict


def test_it_updates_a_member_and_masks_the_phone_in_the_diff(company, users):
    member = services.member_update(
        member=company.member_a,
        changes={"phone": "13911112222", "job_title": "高级工程师", "organization": company.group_a1},
        expected_version=1,
        by=users["secretary_a"],
    )
    member.refresh_from_db()
    assert member.version == 2 and member.phone == "13911112222"
    diff = audit_rows(member, Event.UPDATE).get().detail["diff"]
    assert diff["job_title"] == ["工程师", "高级工程师"]
    assert diff["organization"] == ["甲党支部", "甲一党小组"]
    assert diff["phone"] == "***"
    assert "13911112222" not in json.dumps(diff) and "13800138000" not in json.dumps(diff)


def test_it_refuses_a_stale_member_version_and_saves_nothing(company):
    services.member_update(member=company.member_a, changes={"job_title": "甲"}, expected_version=1)
    with pytest.raises(services.ConflictError):
        services.member_update(member=company.member_a, changes={"job_title": "乙"}, expected_version=1)
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "甲"
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(company.member_a.pk)).count() == 1


@pytest.mark.parametrize("field", ["is_active", "version", "id", "created_at"])
def test_it_refuses_member_fields_outside_the_form(company, field):
    with pytest.raises(ValueError):
        services.member_update(member=company.member_a, changes={field: 1}, expected_version=1)


def test_it_refuses_a_duplicate_employee_number_on_update(company):
    with pytest.raises(ValidationError) as exc:
        services.member_update(
            member=company.member_a, changes={"employee_no": company.member_b.employee_no}, expected_version=1
        )
    assert exc.value.message_dict["employee_no"] == [str(services.EMPLOYEE_NO_TAKEN)]


def test_it_deactivates_and_reactivates_a_member(company, users):
    services.member_deactivate(member=company.member_a, by=users["secretary_a"], expected_version=1)
    company.member_a.refresh_from_db()
    assert not company.member_a.is_active and company.member_a.version == 2
    assert audit_rows(company.member_a, Event.DEACTIVATE).exists()
    with pytest.raises(ValidationError, match="already"):
        services.member_deactivate(member=company.member_a)
    services.member_reactivate(member=company.member_a, by=users["committee_admin"])
    company.member_a.refresh_from_db()
    assert company.member_a.is_active and company.member_a.version == 3
    assert audit_rows(company.member_a, Event.REACTIVATE).get().user == users["committee_admin"]


def test_it_refuses_a_stale_deactivation(company):
    services.member_update(member=company.member_a, changes={"job_title": "甲"}, expected_version=1)
    with pytest.raises(services.ConflictError):
        services.member_deactivate(member=company.member_a, expected_version=1)
    company.member_a.refresh_from_db()
    assert company.member_a.is_active


def test_it_refuses_to_reactivate_a_member_of_a_deactivated_organization(company):
    lone = MemberFactory(organization=company.group_a1)
    services.member_deactivate(member=lone)
    services.organization_deactivate(organization=company.group_a1)
    with pytest.raises(ValidationError, match="deactivated"):
        services.member_reactivate(member=lone)


def test_it_rolls_the_change_back_when_the_audit_write_fails(company):
    with mock.patch("branches.services.record", side_effect=RuntimeError("audit down")):
        with pytest.raises(RuntimeError):
            services.member_update(member=company.member_a, changes={"job_title": "不该保存"}, expected_version=1)
        with pytest.raises(RuntimeError):
            services.member_create(values=member_values(company.branch_a))
    company.member_a.refresh_from_db()
    assert company.member_a.job_title == "工程师" and company.member_a.version == 1
    assert not Member.objects.filter(employee_no="N-0001").exists()


def test_it_audits_a_phone_reveal_without_the_number(company, users):
    phone = services.member_phone_reveal(member=company.member_a, by=users["secretary_a"])
    assert phone == "13800138000"
    row = audit_rows(company.member_a, Event.PERSONAL_DATA_VIEW).get()
    assert row.user == users["secretary_a"]
    assert "13800138000" not in json.dumps(row.detail)
