"""The honours rules of portal/permissions.py and the scoped querysets, role by role (ROLES.md).

Each row reads: rule (or queryset), object → who is allowed, in the column order of ``ROLES``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from honors import services
from honors.models import Campaign, CampaignStatus, PostStatus
from portal.accounts.models import Role
from portal.permissions import (
    can,
    scoped_campaigns,
    scoped_grades,
    scoped_honors,
    scoped_nominations,
    scoped_posts,
)

from . import honors_support as hs
from .factories import OrgKind, UserFactory, make_org

pytestmark = pytest.mark.django_db

ROLES = ("staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")
Y, N = True, False

# fmt: off
ROLE_RULES = [
    #  action                    staff secr_a secr_b reviewer committee sysadmin auditor
    ("post.list",               (Y,    Y,     Y,     Y,       Y,        N,       N)),
    ("post.create",             (N,    Y,     Y,     N,       N,        N,       N)),
    ("post.review_any",         (N,    N,     N,     Y,       Y,        N,       N)),
    ("post.export",             (N,    Y,     Y,     Y,       Y,        N,       N)),
    ("campaign.list",           (N,    Y,     Y,     Y,       Y,        N,       N)),
    ("campaign.manage_any",     (N,    N,     N,     N,       Y,        N,       N)),
    ("campaign.judge_any",      (N,    N,     N,     Y,       Y,        N,       N)),
    ("nomination.create_any",   (N,    Y,     Y,     N,       N,        N,       N)),
    ("honor.list",              (Y,    Y,     Y,     Y,       Y,        N,       N)),
    ("honor.view",              (Y,    Y,     Y,     Y,       Y,        N,       N)),
    ("honor.create_any",        (N,    N,     N,     N,       Y,        N,       N)),
    ("honor.export",            (N,    Y,     Y,     Y,       Y,        N,       N)),
    ("grade.list",              (N,    Y,     Y,     Y,       Y,        N,       N)),
    ("grade.manage_any",        (N,    N,     N,     N,       Y,        N,       N)),
]

OBJECT_RULES = [
    #  action                    object             staff secr_a secr_b reviewer committee sysadmin auditor
    ("post.view",               "applied_post",    (N,    Y,     N,     Y,       Y,        N,       N)),
    ("post.view",               "building_post",   (Y,    Y,     Y,     Y,       Y,        N,       N)),
    ("post.view",               "titled_post",     (Y,    Y,     Y,     Y,       Y,        N,       N)),
    ("post.view",               "rejected_post",   (N,    Y,     N,     Y,       Y,        N,       N)),
    ("post.create_in",          "branch_a",        (N,    Y,     N,     N,       N,        N,       N)),
    ("post.create_in",          "inactive_branch", (N,    N,     N,     N,       N,        N,       N)),
    ("post.edit",               "applied_post",    (N,    Y,     N,     N,       N,        N,       N)),
    ("post.edit",               "building_post",   (N,    Y,     N,     N,       N,        N,       N)),
    ("post.edit",               "titled_post",     (N,    N,     N,     N,       N,        N,       N)),
    ("post.record_activity",    "building_post",   (N,    Y,     N,     N,       N,        N,       N)),
    ("post.record_activity",    "titled_post",     (N,    Y,     N,     N,       N,        N,       N)),
    ("post.record_activity",    "applied_post",    (N,    N,     N,     N,       N,        N,       N)),
    ("post.review",             "applied_post",    (N,    N,     N,     Y,       Y,        N,       N)),
    ("campaign.view",           "campaign",        (N,    Y,     Y,     Y,       Y,        N,       N)),
    ("campaign.view",           "draft_campaign",  (N,    N,     N,     Y,       Y,        N,       N)),
    ("campaign.view",           "general_campaign",(N,    Y,     Y,     Y,       Y,        N,       N)),
    ("campaign.view",           "foreign_campaign",(N,    N,     N,     N,       N,        N,       N)),
    ("campaign.manage",         "campaign",        (N,    N,     N,     N,       Y,        N,       N)),
    ("campaign.manage",         "foreign_campaign",(N,    N,     N,     N,       N,        N,       N)),
    ("nomination.create",       "branch_a",        (N,    Y,     N,     N,       N,        N,       N)),
    ("nomination.create",       "inactive_branch", (N,    N,     N,     N,       N,        N,       N)),
    ("nomination.view",         "nomination_a",    (N,    Y,     N,     Y,       Y,        N,       N)),
    ("nomination.withdraw",     "nomination_a",    (N,    Y,     N,     N,       N,        N,       N)),
    ("honor.create",            "branch_a",        (N,    N,     N,     N,       Y,        N,       N)),
    ("honor.revoke",            "honor_a",         (N,    N,     N,     N,       Y,        N,       N)),
    ("grade.view",              "branch_a",        (N,    Y,     N,     Y,       Y,        N,       N)),
    ("grade.manage",            "branch_a",        (N,    N,     N,     N,       Y,        N,       N)),
    ("grade.manage",            "foreign_branch",  (N,    N,     N,     N,       N,        N,       N)),
]
# fmt: on


def _foreign_committee():
    return make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")


def _raw_campaign(company, users, organization, status=CampaignStatus.NOMINATING, name="表彰") -> Campaign:
    """A campaign written straight to the table (e.g. run by a committee no conftest admin covers)."""
    return Campaign.objects.create(
        name=name,
        organization=organization,
        year=2026,
        nomination_opens_on=dt.date(2026, 6, 1),
        nomination_closes_on=dt.date(2026, 6, 10),
        status=status,
        created_by=users["committee_admin"],
    )


def _inactive_branch(company, users):
    company.branch_a.is_active = False
    company.branch_a.save(update_fields=["is_active"])
    return company.branch_a


def _nomination_a(company, users):
    offer = hs.offer_of(hs.make_campaign(company, users, status=CampaignStatus.NOMINATING))
    return hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)


OBJECTS = {
    "applied_post": lambda c, u: hs.make_post(c, u),
    "building_post": lambda c, u: hs.make_post(c, u, status=PostStatus.BUILDING),
    "titled_post": lambda c, u: hs.make_post(c, u, status=PostStatus.TITLED),
    "rejected_post": lambda c, u: hs.make_post(c, u, status=PostStatus.REJECTED),
    "branch_a": lambda c, u: c.branch_a,
    "inactive_branch": _inactive_branch,
    "foreign_branch": lambda c, u: make_org("丙党支部", OrgKind.BRANCH, _foreign_committee(), code="B0C"),
    "campaign": lambda c, u: hs.make_campaign(c, u, status=CampaignStatus.NOMINATING),
    "draft_campaign": lambda c, u: hs.make_campaign(c, u),
    "general_campaign": lambda c, u: hs.make_campaign(c, u, organization=c.general, status=CampaignStatus.NOMINATING),
    "foreign_campaign": lambda c, u: _raw_campaign(c, u, _foreign_committee()),
    "nomination_a": _nomination_a,
    "honor_a": lambda c, u: hs.make_external_honor(c, u),
}


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        pytest.param(action, role, allowed, id=f"{action} as {role}")
        for action, row in ROLE_RULES
        for role, allowed in zip(ROLES, row, strict=True)
    ],
)
def test_it_answers_each_role_level_rule(users, action, role, allowed):
    assert can(users[role], action) is allowed


@pytest.mark.parametrize(
    ("action", "obj", "row"),
    [pytest.param(action, obj, row, id=f"{action} on {obj}") for action, obj, row in OBJECT_RULES],
)
def test_it_answers_each_object_rule(company, users, action, obj, row):
    target = OBJECTS[obj](company, users)
    got = tuple(can(users[role], action, target) for role in ROLES)
    assert got == row, dict(zip(ROLES, got, strict=True))


def test_it_refuses_everything_to_an_inactive_user(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    users["reviewer"].is_active = False
    assert not can(users["reviewer"], "post.view", post)
    assert not scoped_posts(users["reviewer"]).exists()


def test_it_keeps_a_reviewer_of_branch_b_out_of_branch_a(company, users):
    reviewer_b = UserFactory(role=Role.REVIEWER, scope=company.branch_b)
    applied = hs.make_post(company, users)
    assert not can(reviewer_b, "post.review", applied)
    assert not can(reviewer_b, "post.view", applied)
    assert not can(reviewer_b, "grade.view", company.branch_a)


# --- scoped querysets ------------------------------------------------------------------------------


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_it_scopes_posts(company, users):
    hs.make_post(company, users, name="甲申请")
    hs.make_post(company, users, name="甲驳回", status=PostStatus.REJECTED)
    hs.make_post(company, users, name="乙申请", organization=company.branch_b, leader=company.member_b)
    hs.make_post(
        company,
        users,
        name="乙创建",
        organization=company.branch_b,
        leader=company.member_b,
        status=PostStatus.BUILDING,
    )
    hs.make_post(company, users, name="甲命名", status=PostStatus.TITLED)
    expected = {
        "staff": {"乙创建", "甲命名"},
        "secretary_a": {"甲申请", "甲驳回", "乙创建", "甲命名"},
        "secretary_b": {"乙申请", "乙创建", "甲命名"},
        "reviewer": {"甲申请", "甲驳回", "乙申请", "乙创建", "甲命名"},
        "committee_admin": {"甲申请", "甲驳回", "乙申请", "乙创建", "甲命名"},
        "sysadmin": set(),
        "auditor": set(),
    }
    assert {role: _names(scoped_posts(users[role])) for role in ROLES} == expected


def test_it_scopes_campaigns(company, users):
    hs.make_campaign(company, users, name="草稿")
    hs.make_campaign(company, users, name="推荐中", status=CampaignStatus.NOMINATING)
    hs.make_campaign(company, users, name="总支评选", organization=company.general, status=CampaignStatus.NOMINATING)
    _raw_campaign(company, users, _foreign_committee(), name="外单位")
    everything_here = {"草稿", "推荐中", "总支评选"}
    expected = {
        "staff": set(),
        "secretary_a": {"推荐中", "总支评选"},
        "secretary_b": {"推荐中", "总支评选"},
        "reviewer": everything_here,
        "committee_admin": everything_here,
        "sysadmin": set(),
        "auditor": set(),
    }
    assert {role: _names(scoped_campaigns(users[role])) for role in ROLES} == expected


def test_it_scopes_campaigns_of_a_reviewer_below_the_committee(company, users):
    reviewer_b = UserFactory(role=Role.REVIEWER, scope=company.branch_b)
    hs.make_campaign(company, users, name="公司")
    hs.make_campaign(company, users, name="总支", organization=company.general)
    assert _names(scoped_campaigns(reviewer_b)) == {"公司", "总支"}


def test_it_scopes_nominations(company, users):
    offer = hs.offer_of(hs.make_campaign(company, users, status=CampaignStatus.NOMINATING))
    nom_a = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    nom_b = hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)
    expected = {
        "staff": set(),
        "secretary_a": {nom_a.pk},
        "secretary_b": {nom_b.pk},
        "reviewer": {nom_a.pk, nom_b.pk},
        "committee_admin": {nom_a.pk, nom_b.pk},
        "sysadmin": set(),
        "auditor": set(),
    }
    got = {role: set(scoped_nominations(users[role]).values_list("pk", flat=True)) for role in ROLES}
    assert got == expected


def test_it_hides_nominations_of_a_campaign_out_of_reach(company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, organization=company.general)
    hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    reviewer_elsewhere = UserFactory(role=Role.REVIEWER, scope=_foreign_committee())
    assert not scoped_nominations(reviewer_elsewhere).exists()


def test_it_scopes_honours_revoked_ones_in_scope_only(company, users):
    admin = users["committee_admin"]
    hs.make_external_honor(company, users, title="甲有效")
    services.honor_revoke(honor=hs.make_external_honor(company, users, title="甲撤销"), by=admin, reason="撤销")
    hs.make_external_honor(company, users, title="乙有效", member=company.member_b)
    services.honor_revoke(
        honor=hs.make_external_honor(company, users, title="乙撤销", member=company.member_b), by=admin, reason="撤销"
    )
    expected = {
        "staff": {"甲有效", "乙有效"},
        "secretary_a": {"甲有效", "乙有效", "甲撤销"},
        "secretary_b": {"甲有效", "乙有效", "乙撤销"},
        "reviewer": {"甲有效", "乙有效", "甲撤销", "乙撤销"},
        "committee_admin": {"甲有效", "乙有效", "甲撤销", "乙撤销"},
        "sysadmin": set(),
        "auditor": set(),
    }
    got = {role: set(scoped_honors(users[role]).values_list("title", flat=True)) for role in ROLES}
    assert got == expected


def test_it_scopes_grades(company, users):
    from honors.models import GradeLevel

    grade = GradeLevel.objects.get(code="A")
    for org in (company.branch_a, company.branch_b, company.general):
        services.grade_record(by=users["committee_admin"], organization=org, year=2025, grade=grade)
    expected = {
        "staff": set(),
        "secretary_a": {company.branch_a.pk},
        "secretary_b": {company.branch_b.pk},
        "reviewer": {company.branch_a.pk, company.branch_b.pk, company.general.pk},
        "committee_admin": {company.branch_a.pk, company.branch_b.pk, company.general.pk},
        "sysadmin": set(),
        "auditor": set(),
    }
    got = {role: set(scoped_grades(users[role]).values_list("organization", flat=True)) for role in ROLES}
    assert got == expected
