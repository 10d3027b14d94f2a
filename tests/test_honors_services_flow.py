"""One pass through every honours service: post titled, campaign to honours, grade, appraisal, liaison."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from honors import selectors, services
from honors.models import Award, CampaignStatus, Honor, PostKind, PostStatus, Rubric
from tests.factories import MemberFactory


def test_smoke(company, users):
    today = timezone.localdate()
    admin, sec_a, sec_b, reviewer = (
        users["committee_admin"],
        users["secretary_a"],
        users["secretary_b"],
        users["reviewer"],
    )
    post = services.post_create(
        by=sec_a,
        data=dict(
            kind=PostKind.INNOVATION,
            name="焊接示范岗",
            organization=company.branch_a,
            leader=company.member_a,
            pledge="承诺",
            plan="方案",
            year=today.year,
        ),
        members=[services.PostMemberEntry(company.member_a)],
    )
    post = services.post_transition(post=post, action="accept", by=reviewer)
    rubric = Rubric.objects.get(use="post")
    scores = {c.pk: c.max_score for c in rubric.criteria.all()}
    services.post_assess(post=post, by=reviewer, scores=scores)
    post.refresh_from_db()
    assert post.status == PostStatus.TITLED
    assert Honor.objects.filter(post=post).count() == 1

    c = services.campaign_create(
        by=admin,
        data=dict(
            name="2026年七一表彰",
            organization=company.committee,
            year=today.year,
            nomination_opens_on=today,
            nomination_closes_on=today + dt.timedelta(days=10),
            publicity_days=5,
        ),
        judges=[reviewer],
    )
    a1 = Award.objects.get(name="优秀共产党员")
    a2 = Award.objects.get(name="季度党员先锋岗")
    o1 = services.offer_save(campaign=c, by=admin, award=a1, quota=1, branch_quota=1)
    o2 = services.offer_save(campaign=c, by=admin, award=a2, quota=2, branch_quota=2)
    c = services.campaign_transition(campaign=c, action="open", by=admin)
    n1 = services.nomination_create(
        offer=o1, by=sec_a, organization=company.branch_a, candidate=company.member_a, citation="x" * 30
    )
    m2 = MemberFactory(organization=company.branch_a)
    with pytest.raises(ValidationError, match="at most 1"):
        services.nomination_create(offer=o1, by=sec_a, organization=company.branch_a, candidate=m2, citation="x" * 30)
    services.nomination_create(
        offer=o1, by=sec_b, organization=company.branch_b, candidate=company.member_b, citation="y" * 30
    )
    n3 = services.nomination_create(
        offer=o2, by=sec_a, organization=company.branch_a, candidate=post, citation="z" * 30
    )
    assert list(selectors.candidates_for(o1, company.branch_a)) == [m2]
    c = services.campaign_transition(campaign=c, action="close", by=admin)
    crit = a1.rubric.criteria.all()
    services.judgement_save(nomination=n1, judge=reviewer, scores={x.pk: x.max_score for x in crit})
    services.judgement_save(nomination=n3, judge=reviewer, vote=True)
    services.winners_select(offer=o1, by=admin, winner_ids=[n1.pk])
    services.winners_select(offer=o2, by=admin, winner_ids=[n3.pk])
    c = services.campaign_transition(campaign=c, action="publish", by=admin)
    c = services.campaign_transition(campaign=c, action="finalize", by=admin, comment="会议决定提前")
    assert c.status == CampaignStatus.AWARDED
    assert Honor.objects.filter(member=company.member_a).count() == 1
    f = selectors.campaign_figures(c)
    assert (f.nominated, f.awarded) == (3, 2)
    assert list(selectors.ranking(o1))[0].average == Decimal("100")
    assert selectors.branch_quota_usage(c, company.branch_a)[0]["used"] >= 1
    services.grade_record(
        by=admin,
        organization=company.branch_a,
        year=today.year,
        grade=__import__("honors.models").models.GradeLevel.objects.get(code="A"),
        building_title="benchmark",
    )
    services.appraisal_record(
        by=admin,
        organization=company.branch_a,
        year=today.year,
        raters=56,
        satisfied=50,
        basically_satisfied=5,
        dissatisfied=1,
    )
    from branches.models import Organization

    rows = list(selectors.grading_overview(Organization.objects.all(), today.year))
    a = [r for r in rows if r.pk == company.branch_a.pk][0]
    assert a.year_grade.grade.code == "A" and a.year_appraisal.raters == 56
    services.liaison_assign(by=admin, organization=company.branch_a, member=company.member_b, since=today)
    assert selectors.branch_record(company.branch_a)["liaisons"]
