"""Helpers shared by the award-campaign page tests (tests/test_honors_campaign_*.py, test_honors_nominat*.py, ...).

State is set up through honors.services, as the pages would.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from honors import services
from honors.models import Award, Campaign, CampaignAward, Nomination, PostKind

from .factories import MemberFactory

MEMBER_AWARD = "优秀共产党员"  # scored on the award rubric
BRANCH_AWARD = "先进基层党组织"  # scored, goes to an organization
POST_AWARD = "季度党员先锋岗"  # voted (no rubric), goes to a post
CITATION = "该同志爱岗敬业，带头攻关，解决了焊接一次合格率偏低的难题，成效显著。"


def award(name: str = MEMBER_AWARD) -> Award:
    return Award.objects.get(name=name)


def draft_campaign(company, users, *, name: str = "2026年七一表彰", judges=None, **data) -> Campaign:
    today = timezone.localdate()
    values = {
        "name": name,
        "organization": company.committee,
        "year": today.year,
        "nomination_opens_on": today,
        "nomination_closes_on": today + dt.timedelta(days=10),
        "publicity_days": 5,
    }
    values.update(data)
    return services.campaign_create(
        by=users["committee_admin"], data=values, judges=[users["reviewer"]] if judges is None else judges
    )


def offer(
    campaign, users, name: str = MEMBER_AWARD, *, quota: int = 2, branch_quota: int = 2, **extra
) -> CampaignAward:
    return services.offer_save(
        campaign=campaign,
        by=users["committee_admin"],
        award=award(name),
        quota=quota,
        branch_quota=branch_quota,
        **extra,
    )


def open_campaign(company, users, *, name: str = "2026年七一表彰", quota: int = 2, branch_quota: int = 2, **extra):
    """A campaign taking nominations with one award (优秀共产党员) on offer: (campaign, offer)."""
    campaign = draft_campaign(company, users, name=name)
    offered = offer(campaign, users, quota=quota, branch_quota=branch_quota, **extra)
    campaign = services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    return campaign, offered


def nominate(offered, users, company, *, branch: str = "a", candidate=None, evidence=()) -> Nomination:
    organization = company.branch_a if branch == "a" else company.branch_b
    if candidate is None:
        candidate = MemberFactory(organization=organization)
    return services.nomination_create(
        offer=offered,
        by=users[f"secretary_{branch}"],
        organization=organization,
        candidate=candidate,
        citation=CITATION,
        evidence=evidence,
    )


def close(campaign, users) -> Campaign:
    return services.campaign_transition(campaign=campaign, action="close", by=users["committee_admin"])


def full_scores(offered) -> dict[int, object]:
    return {c.pk: c.max_score for c in offered.award.rubric.criteria.all()}


def judging_campaign(company, users, *, per_branch: int = 1, quota: int = 2):
    """A campaign in judging with ``per_branch`` nominations from each of branch A and B: (campaign, offer, noms)."""
    campaign, offered = open_campaign(company, users, quota=quota, branch_quota=max(per_branch, 1))
    noms = []
    for _ in range(per_branch):
        noms.append(nominate(offered, users, company, branch="a"))
        noms.append(nominate(offered, users, company, branch="b"))
    return close(campaign, users), offered, noms


def post_campaign(company, users):
    """A judging campaign for 季度党员先锋岗 (voted, no rubric) with one post of branch A nominated."""
    today = timezone.localdate()
    post = services.post_create(
        by=users["secretary_a"],
        data=dict(
            kind=PostKind.VANGUARD,
            name="焊接先锋岗",
            organization=company.branch_a,
            leader=company.member_a,
            pledge="承诺",
            plan="方案",
            year=today.year,
        ),
    )
    post = services.post_transition(post=post, action="accept", by=users["committee_admin"])
    campaign = draft_campaign(company, users, name="第三季度党员先锋岗", quarter=3)
    offered = offer(campaign, users, POST_AWARD)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    nomination = nominate(offered, users, company, branch="a", candidate=post)
    return close(campaign, users), offered, nomination
