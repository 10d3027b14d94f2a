"""Shared builders for the honours tests: posts, campaigns with offers, nominations, honours and files.

Everything is built through honors/services.py, as the pages would. Objects live in branch A unless
told otherwise. Keep this module small and stable: several test files import it.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from honors import services
from honors.models import (
    Award,
    Campaign,
    CampaignAward,
    CampaignStatus,
    DemonstrationPost,
    Honor,
    Level,
    Nomination,
    PostKind,
    PostStatus,
    RecipientKind,
    Rubric,
    RubricUse,
)

from .projects_support import jpeg_bytes, pdf_bytes, png_bytes

# The award types seeded by honors/migrations/0002 (the post award has no rubric: judges vote).
MEMBER_AWARD = "优秀共产党员"
WORKER_AWARD = "优秀党务工作者"
BRANCH_AWARD = "先进基层党组织"
PROJECT_AWARD = "优秀党员创新项目"
POST_AWARD = "季度党员先锋岗"

CITATION = "带领班组攻克焊接难题，一次合格率提升到百分之九十八，带动群众参与创新。"


def today() -> dt.date:
    return timezone.localdate()


def secretary_of(users, organization):
    """The conftest secretary whose scope holds the organization (branch A or B)."""
    return users["secretary_b"] if organization.path.startswith(_path_b(users)) else users["secretary_a"]


def _path_b(users) -> str:
    return users["secretary_b"].scope.path


# --- rubrics ---------------------------------------------------------------------------------------


def post_rubric() -> Rubric:
    return Rubric.objects.get(use=RubricUse.POST, is_active=True)


def award_rubric() -> Rubric:
    return Rubric.objects.get(use=RubricUse.AWARD)


def full_scores(rubric: Rubric) -> dict:
    """Every criterion at its maximum (a pass)."""
    return {c.pk: c.max_score for c in rubric.criteria.all()}


def zero_scores(rubric: Rubric) -> dict:
    """Every criterion at zero (a fail)."""
    return {c.pk: "0" for c in rubric.criteria.all()}


# --- demonstration posts -------------------------------------------------------------------------


def post_data(company, **overrides) -> dict:
    data = {
        "kind": PostKind.INNOVATION,
        "name": "焊接示范岗",
        "organization": company.branch_a,
        "leader": company.member_a,
        "pledge": "苦干实干，攻坚克难，一次合格率达到98%。",
        "plan": "成立攻关小组，每月一次技术交流。",
        "year": today().year,
    }
    data.update(overrides)
    return data


def make_post(company, users, *, status: str = PostStatus.APPLIED, members=None, **overrides) -> DemonstrationPost:
    """A post of branch A (or ``organization=``) brought to ``status`` through the services.

    ``titled`` is titled this year; ``revoked`` lost its title at next year's review.
    """
    data = post_data(company, **overrides)
    secretary = secretary_of(users, data["organization"])
    if members is None:
        members = [services.PostMemberEntry(data["leader"], "岗长")]
    post = services.post_create(by=secretary, data=data, members=members)
    reviewer = users["reviewer"]
    if status == PostStatus.APPLIED:
        return post
    if status == PostStatus.REJECTED:
        return services.post_transition(post=post, action="reject", by=reviewer, comment="条件不具备")
    post = services.post_transition(post=post, action="accept", by=reviewer)
    if status == PostStatus.BUILDING:
        return post
    services.post_assess(post=post, by=reviewer, scores=full_scores(post_rubric()), year=today().year)
    if status == PostStatus.REVOKED:
        services.post_assess(
            post=post, by=reviewer, scores=zero_scores(post_rubric()), comments="未履行承诺", year=today().year + 1
        )
    post.refresh_from_db()
    assert post.status == status, f"could not bring the post to {status}"
    return post


# --- campaigns ---------------------------------------------------------------------------------


def make_campaign(
    company,
    users,
    *,
    status: str = CampaignStatus.DRAFT,
    offers: dict | None = None,
    quarter: int | None = None,
    judges=("reviewer", "committee_admin"),
    **overrides,
) -> Campaign:
    """A campaign run by the committee with awards on offer, brought to ``status`` (draft, nominating, judging).

    ``offers`` maps an award name to ``(quota, branch_quota)``; default: the member award, quota 2, 1 per branch.
    """
    admin = users["committee_admin"]
    data = {
        "name": "七一表彰",
        "organization": company.committee,
        "year": today().year,
        "quarter": quarter,
        "description": "评选通知",
        "nomination_opens_on": today(),
        "nomination_closes_on": today() + dt.timedelta(days=10),
        "publicity_days": 5,
    }
    data.update(overrides)
    campaign = services.campaign_create(by=admin, data=data, judges=[users[j] for j in judges])
    for name, (quota, branch_quota) in ({MEMBER_AWARD: (2, 1)} if offers is None else offers).items():
        services.offer_save(
            campaign=campaign, by=admin, award=Award.objects.get(name=name), quota=quota, branch_quota=branch_quota
        )
    if status in (CampaignStatus.NOMINATING, CampaignStatus.JUDGING):
        campaign = services.campaign_transition(campaign=campaign, action="open", by=admin)
    if status == CampaignStatus.JUDGING:
        campaign = services.campaign_transition(campaign=campaign, action="close", by=admin)
    assert campaign.status == status, f"make_campaign builds draft, nominating or judging, not {status}"
    return campaign


def offer_of(campaign: Campaign, award_name: str = MEMBER_AWARD) -> CampaignAward:
    return campaign.offers.select_related("award", "campaign").get(award__name=award_name)


def nominate(offer: CampaignAward, users, *, candidate, organization, citation: str = CITATION, evidence=()):
    """The secretary of ``organization`` nominates ``candidate`` (the campaign must be nominating)."""
    return services.nomination_create(
        offer=offer,
        by=secretary_of(users, organization),
        organization=organization,
        candidate=candidate,
        citation=citation,
        evidence=list(evidence),
    )


def close(campaign: Campaign, users) -> Campaign:
    return services.campaign_transition(campaign=campaign, action="close", by=users["committee_admin"])


def publish(campaign: Campaign, users, winners: dict[CampaignAward, list[Nomination]], top=()) -> Campaign:
    """Select the winners of each offer (a judging campaign) and publish for publicity."""
    admin = users["committee_admin"]
    top_ids = [n.pk for n in top]
    for offer, chosen in winners.items():
        ids = [n.pk for n in chosen]
        services.winners_select(offer=offer, by=admin, winner_ids=ids, top_ids=[i for i in top_ids if i in ids])
    return services.campaign_transition(campaign=campaign, action="publish", by=admin)


# --- honours ------------------------------------------------------------------------------------


def honor_data(company, **overrides) -> dict:
    data = {
        "recipient_kind": RecipientKind.MEMBER,
        "member": company.member_a,
        "title": "省级优秀共产党员",
        "level": Level.PROVINCIAL,
        "year": today().year,
        "granted_by": "中共某省委",
        "granted_on": today(),
        "citation": "表彰事迹",
    }
    data.update(overrides)
    return data


def make_external_honor(company, users, *, certificate=None, **overrides) -> Honor:
    return services.honor_create_external(
        by=users["committee_admin"], data=honor_data(company, **overrides), certificate=certificate
    )


# --- uploads ----------------------------------------------------------------------------------------


def png_upload(name: str = "证书.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def jpeg_upload(name: str = "活动.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def pdf_upload(name: str = "事迹材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def forged_upload(name: str = "证书.jpg") -> SimpleUploadedFile:
    """Text bytes with an image's name and type: refused by content."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
