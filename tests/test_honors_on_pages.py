"""Honours, posts and grading on the member, branch (organization) and project pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import GradeLevel, Honor, PostStatus, RecipientKind

from .cache_support import clear_caches
from .factories import MemberFactory
from .honors_support import (
    BRANCH_AWARD,
    MEMBER_AWARD,
    PROJECT_AWARD,
    close,
    make_campaign,
    make_external_honor,
    make_post,
    nominate,
    offer_of,
    publish,
    today,
)
from .projects_support import in_progress


def member_url(member) -> str:
    return reverse("branches:member_detail", args=[member.pk])


def org_url(org) -> str:
    return reverse("branches:organization_detail", args=[org.pk])


def project_url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def run_campaign(company, users, project) -> None:
    """七一表彰 with a person, a branch and a project award, all won by branch A's candidates."""
    campaign = make_campaign(
        company,
        users,
        status="nominating",
        offers={MEMBER_AWARD: (1, 1), BRANCH_AWARD: (1, 1), PROJECT_AWARD: (1, 1)},
    )
    winners = {}
    for award, candidate in (
        (MEMBER_AWARD, company.member_a),
        (BRANCH_AWARD, company.branch_a),
        (PROJECT_AWARD, project),
    ):
        offer = offer_of(campaign, award)
        winners[offer] = [nominate(offer, users, candidate=candidate, organization=company.branch_a)]
    close(campaign, users)
    campaign = publish(campaign, users, winners)
    services.campaign_transition(campaign=campaign, action="finalize", by=users["committee_admin"], comment="会议决定")
    assert Honor.objects.count() == 3


def test_campaign_honours_appear_on_the_member_branch_and_project_pages(clients, company, users):
    project = in_progress(company, users)
    run_campaign(company, users, project)
    member_page = clients["secretary_a"].get(member_url(company.member_a))
    assert [h.title for h in member_page.context["honours"]] == [MEMBER_AWARD]
    assert MEMBER_AWARD in member_page.content.decode()
    branch_page = clients["staff"].get(org_url(company.branch_a))
    assert [h.title for h in branch_page.context["own_honours"]] == [BRANCH_AWARD]
    assert {h.title for h in branch_page.context["inner_honours"]} == {MEMBER_AWARD, PROJECT_AWARD}
    body = branch_page.content.decode()
    assert "张甲" in body and project.title in body  # the recipients inside the branch are named
    assert f"{reverse('honors:honor_list')}?branch={company.branch_a.pk}" in body
    project_page = clients["staff"].get(project_url(project))
    assert [h.title for h in project_page.context["honours"]] == [PROJECT_AWARD]
    assert PROJECT_AWARD in project_page.content.decode()
    committee_page = clients["staff"].get(org_url(company.committee))
    assert len(committee_page.context["inner_honours"]) == 3


def test_external_honours_show_and_revoked_ones_do_not(clients, company, users):
    kept = make_external_honor(company, users, title="省级优秀共产党员")
    gone = make_external_honor(company, users, title="撤销的荣誉")
    services.honor_revoke(honor=gone, by=users["committee_admin"], reason="材料不实")
    body = clients["secretary_a"].get(member_url(company.member_a)).content.decode()
    assert kept.title in body and gone.title not in body
    assert reverse("honors:honor_detail", args=[kept.pk]) in body
    assert 'data-testid="honours-empty"' in clients["secretary_b"].get(member_url(company.member_b)).content.decode()


def test_a_project_without_honours_shows_no_honours_card(clients, company, users):
    project = in_progress(company, users)
    assert 'data-testid="honours-card"' not in clients["staff"].get(project_url(project)).content.decode()


def _grade_and_appraise(company, users, year):
    admin = users["committee_admin"]
    services.grade_record(
        by=admin,
        organization=company.branch_a,
        year=year,
        grade=GradeLevel.objects.get(code="A"),
        building_title="model",
    )
    services.appraisal_record(
        by=admin,
        organization=company.branch_a,
        year=year,
        raters=40,
        satisfied=30,
        basically_satisfied=8,
        dissatisfied=2,
    )


def test_the_branch_page_shows_grades_appraisals_and_liaisons_to_roster_readers(clients, company, users):
    _grade_and_appraise(company, users, today().year - 1)
    admin = users["committee_admin"]
    past = services.liaison_assign(
        by=admin,
        organization=company.branch_a,
        member=MemberFactory(name="王过去", organization=company.branch_b),
        since=today(),
    )
    services.liaison_end(liaison=past, by=admin, until=today())
    services.liaison_assign(by=admin, organization=company.branch_a, member=company.member_b, since=today())
    body = clients["secretary_a"].get(org_url(company.branch_a)).content.decode()
    assert 'data-testid="grading-card"' in body
    assert "Model branch" in body and "30 / 8 / 2" in body and "95.0%" in body
    assert "李乙" in body and "王过去" in body
    assert 'data-testid="edit-grading"' not in body
    admin_body = clients["committee_admin"].get(org_url(company.branch_a)).content.decode()
    assert reverse("honors:grade_edit", args=[company.branch_a.pk]) in admin_body


def test_the_branch_page_keeps_grading_from_staff_and_other_kinds(clients, company, users):
    _grade_and_appraise(company, users, today().year - 1)
    staff = clients["staff"].get(org_url(company.branch_a))
    assert staff.context["record"] is None and 'data-testid="grading-card"' not in staff.content.decode()
    committee = clients["committee_admin"].get(org_url(company.committee))
    assert committee.context["record"] is None  # a committee is not graded
    group = clients["committee_admin"].get(org_url(company.group_a1))
    assert group.context["record"] is None and group.context["honours_url"] == ""


def test_the_branch_page_lists_posts_public_ones_for_everyone(clients, company, users):
    titled = make_post(company, users, status=PostStatus.TITLED, name="已命名岗")
    applied = make_post(company, users, status=PostStatus.APPLIED, name="申请中岗")
    make_post(company, users, status=PostStatus.REJECTED, name="被驳回岗")
    assert clients["staff"].get(org_url(company.branch_a)).context["posts"] == [titled]
    posts = clients["secretary_a"].get(org_url(company.branch_a)).context["posts"]
    assert {p.name for p in posts} == {titled.name, applied.name}
    body = clients["secretary_a"].get(org_url(company.branch_a)).content.decode()
    assert reverse("honors:post_detail", args=[titled.pk]) in body
    # the titled post's honour is one of the branch's inner honours
    inner = clients["staff"].get(org_url(company.branch_a)).context["inner_honours"]
    assert [h.recipient_kind for h in inner] == [RecipientKind.POST]


def _grow(company, users, n, start):
    admin = users["committee_admin"]
    for i in range(n):
        person = MemberFactory(organization=company.branch_a)
        make_external_honor(company, users, title=f"个人荣誉{start + i}", member=person)
        make_external_honor(company, users, title=f"党员荣誉{start + i}")
        make_external_honor(
            company,
            users,
            title=f"支部荣誉{start + i}",
            recipient_kind=RecipientKind.BRANCH,
            member=None,
            branch=company.branch_a,
        )
        make_post(company, users, status=PostStatus.BUILDING, name=f"岗{start + i}", leader=person)
        services.liaison_assign(by=admin, organization=company.branch_a, member=person, since=today())
        _grade_and_appraise(company, users, 2000 + start // 10 + i)


@pytest.mark.parametrize("key", ["staff", "secretary_a", "committee_admin"])
def test_the_pages_run_a_constant_number_of_queries(clients, company, users, django_assert_num_queries, key):
    project = in_progress(company, users)
    _grow(company, users, 1, 0)
    make_external_honor(company, users, recipient_kind=RecipientKind.PROJECT, member=None, project=project)
    client = clients[key]
    urls = [org_url(company.branch_a), project_url(project)]
    if key != "staff":
        urls.append(member_url(company.member_a))
    counts = {}
    for page in urls:
        client.get(page)
        clear_caches()  # cold: the project page's cached parts are rendered (portal.statistics.cache)
        with CaptureQueriesContext(connection) as few:
            client.get(page)
        counts[page] = len(few.captured_queries)
    _grow(company, users, 8, 100)
    for i in range(3):
        make_external_honor(
            company, users, title=f"项目荣誉{i}", recipient_kind=RecipientKind.PROJECT, member=None, project=project
        )
    for page in urls:
        clear_caches()
        with django_assert_num_queries(counts[page]):
            response = client.get(page)
        assert response.status_code == 200
        if page == member_url(company.member_a):
            assert len(response.context["honours"]) == 9
