"""Award campaign services (WORKFLOWS §4): create, edit, offers, quotas and the campaign table to honours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from honors import services
from honors.models import (
    Award,
    BranchQuota,
    Campaign,
    CampaignAward,
    CampaignStatus,
    CampaignTransition,
    Honor,
    HonorSource,
    Level,
    Nomination,
    NominationStatus,
    PostStatus,
    RecipientKind,
)
from honors.workflow import TransitionError
from portal.accounts.models import Role
from portal.exceptions import ConflictError

from . import honors_support as hs
from .factories import MemberFactory, OrgKind, UserFactory, make_org

pytestmark = pytest.mark.django_db


def _data(company, **overrides) -> dict:
    data = {
        "name": "七一表彰",
        "organization": company.committee,
        "year": hs.today().year,
        "nomination_opens_on": hs.today(),
        "nomination_closes_on": hs.today() + dt.timedelta(days=10),
        "publicity_days": 5,
    }
    data.update(overrides)
    return data


def _award(name=hs.MEMBER_AWARD) -> Award:
    return Award.objects.get(name=name)


# --- creating ---------------------------------------------------------------------------------


def test_it_creates_a_draft_campaign_with_judges(company, users):
    campaign = services.campaign_create(by=users["committee_admin"], data=_data(company), judges=[users["reviewer"]])
    assert campaign.status == CampaignStatus.DRAFT
    assert list(campaign.judges.all()) == [users["reviewer"]]
    assert campaign.transitions.get().action == "create"


@pytest.mark.parametrize("who", ["reviewer", "secretary_a", "sysadmin"])
def test_it_refuses_a_campaign_created_by_anyone_but_the_committee_office(company, users, who):
    with pytest.raises(TransitionError, match="run by the committee office"):
        services.campaign_create(by=users[who], data=_data(company))
    assert not Campaign.objects.exists()


def test_it_refuses_a_campaign_outside_the_admins_scope(company, users):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    with pytest.raises(TransitionError, match="within its scope"):
        services.campaign_create(by=admin_b, data=_data(company))


def test_it_refuses_a_campaign_run_by_a_branch(company, users):
    with pytest.raises(ValidationError, match="run by a Party committee or general branch"):
        services.campaign_create(by=users["committee_admin"], data=_data(company, organization=company.branch_a))


def test_it_refuses_a_window_that_closes_before_it_opens(company, users):
    data = _data(company, nomination_closes_on=hs.today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.campaign_create(by=users["committee_admin"], data=data)
    assert not Campaign.objects.exists()


def test_it_refuses_a_quarter_outside_one_to_four(company, users):
    with pytest.raises(ValidationError):
        services.campaign_create(by=users["committee_admin"], data=_data(company, quarter=5))


@pytest.mark.parametrize("who", ["secretary_a", "staff"])
def test_it_refuses_judges_who_are_not_reviewers_or_committee_staff(company, users, who):
    with pytest.raises(ValidationError, match="Judges must be active reviewers"):
        services.campaign_create(by=users["committee_admin"], data=_data(company), judges=[users[who]])
    assert not Campaign.objects.exists()


def test_it_refuses_a_judge_of_another_committee(company, users):
    other = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    stranger = UserFactory(role=Role.REVIEWER, scope=other)
    with pytest.raises(ValidationError, match="Judges must be"):
        services.campaign_create(by=users["committee_admin"], data=_data(company), judges=[stranger])


def test_it_refuses_an_inactive_judge(company, users):
    gone = UserFactory(role=Role.REVIEWER, scope=company.committee, is_active=False)
    with pytest.raises(ValidationError, match="Judges must be"):
        services.campaign_create(by=users["committee_admin"], data=_data(company), judges=[gone])


# --- editing -------------------------------------------------------------------------------------


def test_it_edits_everything_while_a_draft(company, users):
    campaign = hs.make_campaign(company, users)
    campaign = services.campaign_update(
        campaign=campaign,
        by=users["committee_admin"],
        data={"name": "改名", "year": 2025, "quarter": 2},
        judges=[users["committee_admin"]],
        version=campaign.version,
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.year, campaign.quarter) == ("改名", 2025, 2)
    assert list(campaign.judges.all()) == [users["committee_admin"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "改名"),
        ("year", 2001),
        ("quarter", 3),
        ("nomination_opens_on", dt.date(2001, 1, 1)),
    ],
)
def test_it_refuses_to_change_locked_fields_once_open(company, users, field, value):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    before = getattr(campaign, field)
    with pytest.raises(TransitionError, match="only the notice, the closing date and the publicity days"):
        services.campaign_update(campaign=campaign, by=users["committee_admin"], data={field: value})
    campaign.refresh_from_db()
    assert getattr(campaign, field) == before


def test_it_changes_the_notice_and_closing_date_once_open(company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    closes = hs.today() + dt.timedelta(days=20)
    services.campaign_update(
        campaign=campaign,
        by=users["committee_admin"],
        data={"name": campaign.name, "description": "补充通知", "nomination_closes_on": closes, "publicity_days": 7},
    )
    campaign.refresh_from_db()
    assert (campaign.description, campaign.nomination_closes_on, campaign.publicity_days) == ("补充通知", closes, 7)


def test_it_refuses_any_change_once_published(company, users):
    campaign = _in_publicity(company, users)[0]
    with pytest.raises(TransitionError, match="can no longer be changed"):
        services.campaign_update(campaign=campaign, by=users["committee_admin"], data={"description": "x"})


def test_it_refuses_a_stale_edit(company, users):
    campaign = hs.make_campaign(company, users)
    with pytest.raises(ConflictError):
        services.campaign_update(campaign=campaign, by=users["committee_admin"], data={"name": "x"}, version=99)


def test_it_refuses_an_edit_by_a_reviewer(company, users):
    campaign = hs.make_campaign(company, users)
    with pytest.raises(TransitionError, match="run by the committee office"):
        services.campaign_update(campaign=campaign, by=users["reviewer"], data={"name": "x"})


# --- offers and quotas ----------------------------------------------------------------------------------


def test_it_changes_an_offer_in_place(company, users):
    campaign = hs.make_campaign(company, users)
    services.offer_save(
        campaign=campaign,
        by=users["committee_admin"],
        award=_award(),
        quota=5,
        branch_quota=2,
        top_grade_label="特别奖",
        top_grade_cap_percent=20,
    )
    offer = CampaignAward.objects.get(campaign=campaign)
    assert (offer.quota, offer.branch_quota, offer.top_grade_label, offer.top_grade_cap_percent) == (5, 2, "特别奖", 20)


def test_it_drops_the_cap_without_a_top_grade(company, users):
    campaign = hs.make_campaign(company, users)
    offer = services.offer_save(
        campaign=campaign,
        by=users["committee_admin"],
        award=_award(),
        quota=5,
        branch_quota=2,
        top_grade_cap_percent=20,
    )
    assert offer.top_grade_cap_percent is None


@pytest.mark.parametrize(("quota", "branch_quota"), [(0, 1), (1, 0), (10001, 1)])
def test_it_refuses_quotas_out_of_range(company, users, quota, branch_quota):
    campaign = hs.make_campaign(company, users, offers={})
    with pytest.raises(ValidationError):
        services.offer_save(
            campaign=campaign, by=users["committee_admin"], award=_award(), quota=quota, branch_quota=branch_quota
        )
    assert not CampaignAward.objects.exists()


def test_it_refuses_an_award_no_longer_in_use(company, users):
    campaign = hs.make_campaign(company, users, offers={})
    Award.objects.filter(name=hs.WORKER_AWARD).update(is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        services.offer_save(
            campaign=campaign, by=users["committee_admin"], award=_award(hs.WORKER_AWARD), quota=1, branch_quota=1
        )


def test_it_refuses_offer_changes_after_the_draft(company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    offer = hs.offer_of(campaign)
    with pytest.raises(TransitionError, match="set while the campaign is a draft"):
        services.offer_save(campaign=campaign, by=users["committee_admin"], award=_award(), quota=9, branch_quota=9)
    with pytest.raises(TransitionError, match="set while the campaign is a draft"):
        services.offer_save(
            campaign=campaign, by=users["committee_admin"], award=_award(hs.WORKER_AWARD), quota=1, branch_quota=1
        )
    with pytest.raises(TransitionError, match="set while the campaign is a draft"):
        services.offer_remove(offer=offer, by=users["committee_admin"])
    with pytest.raises(TransitionError, match="set while the campaign is a draft"):
        services.branch_quota_set(offer=offer, by=users["committee_admin"], organization=company.branch_a, quota=3)
    offer.refresh_from_db()
    assert (offer.quota, offer.branch_quota) == (2, 1)
    assert campaign.offers.count() == 1
    assert not BranchQuota.objects.exists()


def test_it_removes_an_offer_from_a_draft(company, users):
    campaign = hs.make_campaign(company, users)
    services.offer_remove(offer=hs.offer_of(campaign), by=users["committee_admin"])
    assert not campaign.offers.exists()


def test_it_refuses_offer_changes_by_a_reviewer(company, users):
    campaign = hs.make_campaign(company, users)
    with pytest.raises(TransitionError):
        services.offer_save(campaign=campaign, by=users["reviewer"], award=_award(), quota=9, branch_quota=9)
    with pytest.raises(TransitionError):
        services.offer_remove(offer=hs.offer_of(campaign), by=users["reviewer"])
    assert hs.offer_of(campaign).quota == 2


def test_it_sets_and_clears_a_branch_quota(company, users):
    campaign = hs.make_campaign(company, users)
    offer = hs.offer_of(campaign)
    admin = users["committee_admin"]
    services.branch_quota_set(offer=offer, by=admin, organization=company.branch_a, quota=3)
    services.branch_quota_set(offer=offer, by=admin, organization=company.branch_a, quota=4)
    assert list(BranchQuota.objects.values_list("organization", "quota")) == [(company.branch_a.pk, 4)]
    assert services.branch_quota_for(offer=offer, organization=company.branch_a) == 4
    assert services.branch_quota_for(offer=offer, organization=company.branch_b) == 1
    services.branch_quota_set(offer=offer, by=admin, organization=company.branch_a, quota=None)
    assert not BranchQuota.objects.exists()


def test_it_refuses_a_branch_quota_outside_the_committee_or_range(company, users):
    campaign = hs.make_campaign(company, users)
    offer = hs.offer_of(campaign)
    other = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    with pytest.raises(ValidationError, match="outside the campaign's committee"):
        services.branch_quota_set(offer=offer, by=users["committee_admin"], organization=other, quota=1)
    with pytest.raises(ValidationError, match="between 0 and 1000"):
        services.branch_quota_set(offer=offer, by=users["committee_admin"], organization=company.branch_a, quota=-1)
    assert not BranchQuota.objects.exists()


# --- the campaign table --------------------------------------------------------------------------------


def test_it_refuses_to_open_without_offers(company, users):
    campaign = hs.make_campaign(company, users, offers={})
    with pytest.raises(TransitionError, match="at least one award on offer"):
        services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_it_refuses_to_open_after_the_window_ended(company, users):
    campaign = hs.make_campaign(
        company,
        users,
        nomination_opens_on=hs.today() - dt.timedelta(days=10),
        nomination_closes_on=hs.today() - dt.timedelta(days=1),
    )
    with pytest.raises(TransitionError, match="window has already ended"):
        services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_it_opens_on_the_closing_day(company, users):
    campaign = hs.make_campaign(
        company, users, nomination_opens_on=hs.today() - dt.timedelta(days=3), nomination_closes_on=hs.today()
    )
    campaign = services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    assert campaign.status == CampaignStatus.NOMINATING


@pytest.mark.parametrize("who", ["reviewer", "secretary_a", "sysadmin"])
def test_it_refuses_a_step_by_a_role_outside_the_table(company, users, who):
    campaign = hs.make_campaign(company, users)
    with pytest.raises(TransitionError, match="Your role may not take this step"):
        services.campaign_transition(campaign=campaign, action="open", by=users[who])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_it_refuses_a_step_by_an_admin_of_another_subtree(company, users):
    campaign = hs.make_campaign(company, users)
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    with pytest.raises(TransitionError, match="Your role may not take this step"):
        services.campaign_transition(campaign=campaign, action="open", by=admin_b)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (CampaignStatus.DRAFT, "close"),
        (CampaignStatus.DRAFT, "publish"),
        (CampaignStatus.NOMINATING, "open"),
        (CampaignStatus.NOMINATING, "finalize"),
        (CampaignStatus.JUDGING, "reopen_judging"),
        (CampaignStatus.JUDGING, "finalize"),
    ],
)
def test_it_refuses_a_step_the_table_does_not_allow_from_the_state(company, users, status, action):
    campaign = hs.make_campaign(company, users, status=status)
    before = CampaignTransition.objects.count()
    with pytest.raises(TransitionError, match="is not possible now"):
        services.campaign_transition(campaign=campaign, action=action, by=users["committee_admin"], comment="x")
    campaign.refresh_from_db()
    assert campaign.status == status
    assert CampaignTransition.objects.count() == before


def test_it_refuses_an_unknown_step(company, users):
    with pytest.raises(TransitionError, match="Unknown action"):
        services.campaign_transition(
            campaign=hs.make_campaign(company, users), action="delete", by=users["committee_admin"]
        )


def test_it_refuses_to_publish_without_winners(company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    campaign = hs.close(campaign, users)
    with pytest.raises(TransitionError, match="Select the winners"):
        services.campaign_transition(campaign=campaign, action="publish", by=users["committee_admin"])
    campaign.refresh_from_db()
    assert (campaign.status, campaign.publicity_ends_on) == (CampaignStatus.JUDGING, None)


def _in_publicity(company, users, **make):
    """A campaign in publicity: member_a wins (top grade), member_b is not selected."""
    make.setdefault("offers", {hs.MEMBER_AWARD: (1, 1)})
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, **make)
    offer = hs.offer_of(campaign)
    win = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    lose = hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)
    campaign = hs.close(campaign, users)
    campaign = hs.publish(campaign, users, {offer: [win]})
    return campaign, win, lose


def test_it_publishes_with_the_publicity_period(company, users):
    campaign = _in_publicity(company, users)[0]
    assert campaign.status == CampaignStatus.PUBLICITY
    assert campaign.publicity_ends_on == hs.today() + dt.timedelta(days=5)


def test_it_refuses_to_finalize_during_publicity_without_a_reason(company, users):
    campaign = _in_publicity(company, users)[0]
    with pytest.raises(TransitionError, match="publicity period runs until"):
        services.campaign_transition(campaign=campaign, action="finalize", by=users["committee_admin"], comment=" ")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLICITY
    assert not Honor.objects.exists()


def test_it_finalizes_after_publicity_without_a_comment(company, users):
    campaign = _in_publicity(company, users)[0]
    Campaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=hs.today() - dt.timedelta(days=1))
    campaign = services.campaign_transition(campaign=campaign, action="finalize", by=users["committee_admin"])
    assert campaign.status == CampaignStatus.AWARDED
    assert Honor.objects.count() == 1


def test_it_goes_back_to_judging_only_with_a_reason(company, users):
    campaign = _in_publicity(company, users)[0]
    with pytest.raises(TransitionError, match="give a reason"):
        services.campaign_transition(campaign=campaign, action="reopen_judging", by=users["committee_admin"])
    campaign = services.campaign_transition(
        campaign=campaign, action="reopen_judging", by=users["committee_admin"], comment="公示期收到异议"
    )
    assert (campaign.status, campaign.publicity_ends_on) == (CampaignStatus.JUDGING, None)


def test_it_finalizes_one_honour_per_winner_and_marks_the_others(company, users):
    campaign = hs.make_campaign(company, users, offers={}, status=CampaignStatus.DRAFT)
    admin = users["committee_admin"]
    member_offer = services.offer_save(
        campaign=campaign,
        by=admin,
        award=_award(),
        quota=2,
        branch_quota=2,
        top_grade_label="特别奖",
        top_grade_cap_percent=50,
    )
    branch_offer = services.offer_save(
        campaign=campaign, by=admin, award=_award(hs.BRANCH_AWARD), quota=1, branch_quota=1
    )
    campaign = services.campaign_transition(campaign=campaign, action="open", by=admin)
    second_a = MemberFactory(organization=company.group_a1)
    top = hs.nominate(member_offer, users, candidate=company.member_a, organization=company.branch_a)
    plain = hs.nominate(member_offer, users, candidate=company.member_b, organization=company.branch_b)
    lost = hs.nominate(member_offer, users, candidate=second_a, organization=company.branch_a)
    branch_win = hs.nominate(branch_offer, users, candidate=company.branch_b, organization=company.branch_b)
    withdrawn = hs.nominate(branch_offer, users, candidate=company.branch_a, organization=company.branch_a)
    services.nomination_withdraw(nomination=withdrawn, by=users["secretary_a"])
    campaign = hs.close(campaign, users)
    campaign = hs.publish(campaign, users, {member_offer: [top, plain], branch_offer: [branch_win]}, top=[top])
    campaign = services.campaign_transition(campaign=campaign, action="finalize", by=admin, comment="党委会决定")

    honors = {h.nomination_id: h for h in Honor.objects.all()}
    assert set(honors) == {top.pk, plain.pk, branch_win.pk}
    first = honors[top.pk]
    assert (first.title, first.level, first.year, first.quarter, first.grade) == (
        hs.MEMBER_AWARD,
        Level.COMPANY,
        hs.today().year,
        None,
        "特别奖",
    )
    assert (first.source, first.recipient_kind, first.member, first.organization, first.award) == (
        HonorSource.CAMPAIGN,
        RecipientKind.MEMBER,
        company.member_a,
        company.branch_a,
        member_offer.award,
    )
    assert (first.granted_by, first.granted_on, first.citation) == (company.committee.name, hs.today(), hs.CITATION)
    assert honors[plain.pk].grade == ""
    assert (honors[branch_win.pk].branch, honors[branch_win.pk].organization) == (company.branch_b, company.branch_b)
    statuses = dict(Nomination.objects.values_list("pk", "status"))
    assert statuses == {
        top.pk: NominationStatus.WINNER,
        plain.pk: NominationStatus.WINNER,
        lost.pk: NominationStatus.NOT_SELECTED,
        branch_win.pk: NominationStatus.WINNER,
        withdrawn.pk: NominationStatus.WITHDRAWN,
    }


def test_it_gives_quarterly_honours_their_quarter(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    campaign = hs.make_campaign(
        company, users, status=CampaignStatus.NOMINATING, quarter=3, offers={hs.POST_AWARD: (3, 1)}, name="三季度先锋岗"
    )
    offer = hs.offer_of(campaign, hs.POST_AWARD)
    nomination = hs.nominate(offer, users, candidate=post, organization=company.branch_a)
    campaign = hs.close(campaign, users)
    campaign = hs.publish(campaign, users, {offer: [nomination]})
    services.campaign_transition(campaign=campaign, action="finalize", by=users["committee_admin"], comment="提前")
    honor = Honor.objects.get()
    assert (honor.quarter, honor.year, honor.post, honor.level) == (3, hs.today().year, post, Level.PLANT)
