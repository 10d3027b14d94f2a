"""Workbench to-dos of the honours capability: nominations open, posts to decide, assess and review,
nominations to judge, campaigns to move on, branches to grade — per role, counted, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import Award, CampaignStatus, GradeLevel, PostStatus
from portal.workbench.selectors import workbench_for

from . import honors_support as hs
from .factories import MemberFactory

URL = reverse("workbench:home")
HONOR_KEYS = {
    "nominations_open",
    "posts_waiting",
    "post_applications",
    "posts_building",
    "posts_review_due",
    "branches_ungraded",
    "nominations_to_judge",
    "campaign_close",
    "campaign_winners",
    "campaign_finalize",
}


def todos(user, day: dt.date | None = None) -> dict[str, int]:
    return {t.key: t.count for t in workbench_for(user, today=day).todos if t.key in HONOR_KEYS}


def todo(user, key: str, day: dt.date | None = None):
    return next(t for t in workbench_for(user, today=day).todos if t.key == key)


def grade_everyone(company, users, year: int) -> None:
    for branch in (company.branch_a, company.branch_b):
        services.grade_record(
            by=users["committee_admin"], organization=branch, year=year, grade=GradeLevel.objects.get(code="B")
        )


# --- nominations open (secretaries) ------------------------------------------------------------------


def test_it_tells_secretaries_with_places_left_that_nominations_are_open(company, users):
    grade_everyone(company, users, hs.today().year - 1)
    campaign = hs.make_campaign(
        company, users, status=CampaignStatus.NOMINATING, offers={hs.MEMBER_AWARD: (3, 2), hs.BRANCH_AWARD: (1, 1)}
    )

    item = todo(users["secretary_a"], "nominations_open")
    assert item.count == 3 and item.deadline == campaign.nomination_closes_on
    assert item.url == reverse("honors:campaign_detail", args=[campaign.pk])
    assert item.title == f"Nominations open: {campaign.name}"
    hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    assert todos(users["secretary_a"]) == {"nominations_open": 2}
    hs.nominate(
        hs.offer_of(campaign, hs.BRANCH_AWARD), users, candidate=company.branch_a, organization=company.branch_a
    )
    hs.nominate(
        hs.offer_of(campaign),
        users,
        candidate=MemberFactory(organization=company.group_a1),
        organization=company.branch_a,
    )
    assert todos(users["secretary_a"]) == {}  # every place used
    assert todos(users["secretary_b"]) == {"nominations_open": 3}
    for role in ("staff", "reviewer", "committee_admin"):
        assert "nominations_open" not in todos(users[role]), role


def test_it_drops_the_nomination_to_do_outside_the_window_and_for_a_branch_without_quota(company, users):
    admin = users["committee_admin"]
    campaign = hs.make_campaign(company, users, nomination_opens_on=hs.today() + dt.timedelta(days=2))
    services.branch_quota_set(offer=hs.offer_of(campaign), by=admin, organization=company.branch_b, quota=0)
    services.campaign_transition(campaign=campaign, action="open", by=admin)

    assert "nominations_open" not in todos(users["secretary_a"])  # not open yet
    opened = hs.today() + dt.timedelta(days=2)
    assert todos(users["secretary_a"], opened)["nominations_open"] == 1
    assert "nominations_open" not in todos(users["secretary_b"], opened)  # quota 0
    assert "nominations_open" not in todos(users["secretary_a"], campaign.nomination_closes_on + dt.timedelta(days=1))


# --- demonstration posts ------------------------------------------------------------------------------


@pytest.fixture
def posts(company, users):
    """Branch A: two applications, one post being built, one titled this year. Branch B: one application."""
    hs.make_post(company, users, name="焊接示范岗")
    hs.make_post(company, users, name="装调先锋岗")
    hs.make_post(company, users, status=PostStatus.BUILDING, name="机加责任区")
    titled = hs.make_post(company, users, status=PostStatus.TITLED, name="质量攻关组")
    hs.make_post(company, users, status=PostStatus.REJECTED, name="被拒岗位")
    hs.make_post(company, users, name="乙支部示范岗", organization=company.branch_b, leader=company.member_b)
    grade_everyone(company, users, hs.today().year - 1)
    return titled


def test_it_shows_a_secretary_the_own_branchs_applications_waiting(users, posts):
    assert todos(users["secretary_a"]) == {"posts_waiting": 2}
    assert todos(users["secretary_b"]) == {"posts_waiting": 1}
    assert todo(users["secretary_a"], "posts_waiting").url == reverse("honors:post_list") + "?status=applied"


def test_it_gives_reviewers_applications_posts_to_assess_and_reviews_due(users, posts):
    expected = {"post_applications": 3, "posts_building": 1}
    assert todos(users["reviewer"]) == expected
    assert todos(users["committee_admin"]) == expected
    assert todo(users["reviewer"], "posts_building").url == reverse("honors:post_list") + "?status=building"
    next_year = dt.date(hs.today().year + 1, 3, 1)
    assert todos(users["reviewer"], next_year)["posts_review_due"] == 1  # titled this year: reviewed next year
    services.post_assess(
        post=posts, by=users["reviewer"], scores=hs.full_scores(hs.post_rubric()), year=hs.today().year + 1
    )
    assert "posts_review_due" not in todos(users["reviewer"], next_year)
    assert todos(users["staff"]) == {}


# --- judging and running campaigns --------------------------------------------------------------------


@pytest.fixture
def judging(company, users):
    """A campaign in judging with one nomination from each branch; the reviewer is a person of branch A."""
    grade_everyone(company, users, hs.today().year - 1)
    reviewer = users["reviewer"]
    reviewer.member = MemberFactory(organization=company.group_a1, name="评委甲")
    reviewer.save(update_fields=["member"])
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, offers={hs.MEMBER_AWARD: (1, 1)})
    offer = hs.offer_of(campaign)
    from_a = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    from_b = hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)
    campaign = hs.close(campaign, users)
    return campaign, from_a, from_b


def test_it_asks_judges_for_the_nominations_they_have_not_judged_recused_apart(users, judging):
    campaign, from_a, from_b = judging
    rubric = hs.award_rubric()

    item = todo(users["reviewer"], "nominations_to_judge")
    assert item.count == 1  # branch A's nomination: the reviewer is recused
    assert item.url == reverse("honors:judge", args=[campaign.pk])
    assert todos(users["committee_admin"])["nominations_to_judge"] == 2
    services.judgement_save(nomination=from_b, judge=users["reviewer"], scores=hs.full_scores(rubric))
    assert "nominations_to_judge" not in todos(users["reviewer"])
    services.judgement_save(nomination=from_a, judge=users["committee_admin"], scores=hs.full_scores(rubric))
    assert todos(users["committee_admin"])["nominations_to_judge"] == 1
    for role in ("secretary_a", "staff"):
        assert "nominations_to_judge" not in todos(users[role])


def test_it_asks_the_committee_to_move_campaigns_on(company, users, judging):
    campaign, from_a, _from_b = judging
    admin = users["committee_admin"]

    assert todos(admin) == {"nominations_to_judge": 2, "campaign_winners": 2}
    assert todo(admin, "campaign_winners").url == reverse("honors:campaign_detail", args=[campaign.pk])
    assert "campaign_winners" not in todos(users["reviewer"])

    campaign = hs.publish(campaign, users, {hs.offer_of(campaign): [from_a]})
    assert todos(admin) == {}  # publicity running
    assert todos(admin, campaign.publicity_ends_on) == {"campaign_finalize": 1}

    second = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, name="季度先锋岗")
    after_window = second.nomination_closes_on + dt.timedelta(days=1)
    assert todos(admin, after_window)["campaign_close"] == 0
    services.campaign_transition(campaign=campaign, action="finalize", by=admin, comment="党委会审定")
    assert "campaign_finalize" not in todos(admin, campaign.publicity_ends_on)


def test_it_leaves_campaigns_of_another_scope_to_their_office(company, users, judging):
    from .factories import UserFactory

    office_b = UserFactory(username="office_b", role="committee_admin", scope=company.branch_b)
    assert todos(office_b) == {}


# --- grading ----------------------------------------------------------------------------------------------


def test_it_asks_the_committee_to_grade_last_years_branches(company, users):
    last_year = hs.today().year - 1
    admin = users["committee_admin"]

    item = todo(admin, "branches_ungraded")
    assert item.count == 2
    assert item.url == reverse("honors:grade_list") + f"?year={last_year}"
    assert str(last_year) in item.title
    services.grade_record(
        by=admin, organization=company.branch_a, year=last_year, grade=GradeLevel.objects.get(code="A")
    )
    assert todos(admin) == {"branches_ungraded": 1}
    services.grade_record(
        by=admin, organization=company.branch_b, year=hs.today().year, grade=GradeLevel.objects.get(code="A")
    )
    assert todos(admin) == {"branches_ungraded": 1}  # this year's grade does not count
    for role in ("reviewer", "secretary_a", "staff"):
        assert "branches_ungraded" not in todos(users[role]), role


# --- shortcuts and queries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", {"Honours", "Posts"}),
        ("secretary_a", {"Campaigns", "Honours", "Posts", "Grading"}),
        ("reviewer", {"Campaigns", "Honours", "Posts", "Grading"}),
        ("committee_admin", {"Campaigns", "Honours", "Posts", "Grading"}),
        ("auditor", set()),
        ("sysadmin", set()),
    ],
)
def test_it_offers_the_honours_shortcuts_each_role_may_open(users, role, expected):
    labels = {label for label, _url in workbench_for(users[role]).shortcuts}
    assert labels & {"Campaigns", "Honours", "Posts", "Grading"} == expected


def test_it_renders_the_honours_todos_with_their_links(clients, company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    body = clients["secretary_a"].get(URL).content.decode()
    assert 'data-testid="todo-nominations_open"' in body
    assert reverse("honors:campaign_detail", args=[campaign.pk]) in body


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def _more_of_everything(company, users, n: int) -> None:
    for i in range(2):
        hs.make_post(company, users, name=f"示范岗{n}-{i}")
        hs.make_post(company, users, status=PostStatus.BUILDING, name=f"先锋岗{n}-{i}")
    campaign = hs.make_campaign(
        company,
        users,
        status=CampaignStatus.NOMINATING,
        name=f"表彰{n}",
        offers={hs.MEMBER_AWARD: (3, 2), hs.BRANCH_AWARD: (1, 1)},
    )
    hs.nominate(
        hs.offer_of(campaign),
        users,
        candidate=MemberFactory(organization=company.branch_a),
        organization=company.branch_a,
    )
    hs.nominate(
        hs.offer_of(campaign),
        users,
        candidate=MemberFactory(organization=company.branch_b),
        organization=company.branch_b,
    )
    hs.close(campaign, users)
    hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, name=f"季度{n}", offers={hs.POST_AWARD: (2, 1)})


@pytest.mark.parametrize("role", ["staff", "secretary_a", "reviewer", "committee_admin"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, role):
    assert Award.objects.filter(name=hs.POST_AWARD).exists()
    _more_of_everything(company, users, 1)
    few = _queries(clients[role])
    for n in range(2, 5):
        _more_of_everything(company, users, n)
    assert _queries(clients[role]) == few
    assert few <= 14
