"""Judging and winner selection (WORKFLOWS §4): judges, recusal, scores or votes, quota and top grade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from honors import services
from honors.models import Award, CampaignStatus, Judgement, JudgementScore, Nomination, NominationStatus, PostStatus
from honors.workflow import TransitionError
from portal.accounts.models import Role

from . import honors_support as hs
from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _judging(company, users, *, offers=None, extra_judges=(), **make):
    """A campaign in judging with branch A's and branch B's nominations for the member award."""
    campaign = hs.make_campaign(
        company, users, status=CampaignStatus.NOMINATING, offers=offers or {hs.MEMBER_AWARD: (2, 2)}, **make
    )
    if extra_judges:
        campaign.judges.add(*extra_judges)
    offer = hs.offer_of(campaign)
    nom_a = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    nom_b = hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)
    hs.close(campaign, users)
    offer.refresh_from_db()
    return offer, nom_a, nom_b


def _scores(value=None) -> dict:
    rubric = hs.award_rubric()
    return {c.pk: (c.max_score if value is None else value) for c in rubric.criteria.all()}


def _judge_linked_to(company, organization) -> object:
    """A reviewer whose login is linked to a person of ``organization`` (a committee member from that branch)."""
    return UserFactory(
        role=Role.REVIEWER, scope=company.committee, member=MemberFactory(organization=organization, name="评委")
    )


# --- judging ----------------------------------------------------------------------------------------


def test_it_saves_a_judges_scores_and_total(company, users):
    _, nom_a, _ = _judging(company, users)
    judgement = services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=_scores(), comments="好")
    assert (judgement.total, judgement.vote, judgement.comments) == (Decimal("100"), None, "好")
    assert judgement.scores.count() == hs.award_rubric().criteria.count()


def test_it_replaces_the_scores_when_a_judge_judges_again(company, users):
    _, nom_a, _ = _judging(company, users)
    services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=_scores())
    again = services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=_scores("5"))
    assert Judgement.objects.count() == 1
    assert again.total == Decimal("20")
    assert set(JudgementScore.objects.values_list("score", flat=True)) == {Decimal("5")}
    assert JudgementScore.objects.count() == hs.award_rubric().criteria.count()


def test_it_refuses_someone_who_is_not_a_judge_of_the_campaign(company, users):
    _, nom_a, _ = _judging(company, users)
    stranger = UserFactory(role=Role.REVIEWER, scope=company.committee)
    with pytest.raises(TransitionError, match="not a judge of this campaign"):
        services.judgement_save(nomination=nom_a, judge=stranger, scores=_scores())
    assert not Judgement.objects.exists()


def test_it_refuses_a_judge_whose_role_may_not_judge(company, users):
    secretary = users["secretary_b"]
    _, nom_a, _ = _judging(company, users)
    nom_a.offer.campaign.judges.add(secretary)  # bypasses the campaign form's check
    with pytest.raises(TransitionError, match="not a judge"):
        services.judgement_save(nomination=nom_a, judge=secretary, scores=_scores())


@pytest.mark.parametrize("status", [CampaignStatus.NOMINATING, CampaignStatus.PUBLICITY])
def test_it_refuses_judging_outside_the_judging_state(company, users, status):
    offer, nom_a, nom_b = _judging(company, users)
    if status == CampaignStatus.NOMINATING:
        type(offer.campaign).objects.filter(pk=offer.campaign_id).update(status=status)
    else:
        hs.publish(offer.campaign, users, {offer: [nom_a]})
    with pytest.raises(TransitionError, match="only while the campaign is in judging"):
        services.judgement_save(nomination=nom_b, judge=users["reviewer"], scores=_scores())
    assert not Judgement.objects.exists()


def test_it_recuses_a_judge_from_the_candidates_own_branch(company, users):
    judge_from_a = _judge_linked_to(company, company.group_a1)  # a party group of branch A counts as branch A
    _, nom_a, nom_b = _judging(company, users, extra_judges=[judge_from_a])
    assert services.judge_recused(judge=judge_from_a, nomination=nom_a)
    with pytest.raises(TransitionError, match="recused"):
        services.judgement_save(nomination=nom_a, judge=judge_from_a, scores=_scores())
    assert not Judgement.objects.exists()
    assert not services.judge_recused(judge=judge_from_a, nomination=nom_b)
    services.judgement_save(nomination=nom_b, judge=judge_from_a, scores=_scores())
    assert Judgement.objects.get().nomination == nom_b


def test_it_recuses_a_judge_from_their_own_nomination(company, users):
    # A committee member whose record sits at the committee (no branch of their own) is still never
    # judge of their own nomination.
    judge = _judge_linked_to(company, company.committee)
    own = Nomination(recipient_kind="member", member=judge.member, organization=company.branch_b)
    assert services.judge_recused(judge=judge, nomination=own)
    someone_else = Nomination(recipient_kind="member", member=company.member_b, organization=company.branch_b)
    assert not services.judge_recused(judge=judge, nomination=someone_else)


def test_it_does_not_recuse_a_judge_without_a_branch(company, users):
    committee_judge = _judge_linked_to(company, company.committee)
    _, nom_a, _ = _judging(company, users, extra_judges=[committee_judge])
    assert not services.judge_recused(judge=committee_judge, nomination=nom_a)
    assert not services.judge_recused(judge=users["reviewer"], nomination=nom_a)  # no member record


def test_it_recuses_a_judge_from_a_post_of_their_branch(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, offers={hs.POST_AWARD: (1, 1)})
    judge_from_a = _judge_linked_to(company, company.branch_a)
    campaign.judges.add(judge_from_a)
    nomination = hs.nominate(hs.offer_of(campaign, hs.POST_AWARD), users, candidate=post, organization=company.branch_a)
    hs.close(campaign, users)
    with pytest.raises(TransitionError, match="recused"):
        services.judgement_save(nomination=nomination, judge=judge_from_a, vote=True)


def test_it_refuses_a_withdrawn_nomination(company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    nomination = hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    services.nomination_withdraw(nomination=nomination, by=users["secretary_a"])
    hs.close(campaign, users)
    with pytest.raises(TransitionError, match="withdrawn"):
        services.judgement_save(nomination=nomination, judge=users["reviewer"], scores=_scores())


def test_it_requires_a_vote_when_the_award_has_no_rubric(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, offers={hs.POST_AWARD: (1, 1)})
    nomination = hs.nominate(hs.offer_of(campaign, hs.POST_AWARD), users, candidate=post, organization=company.branch_a)
    hs.close(campaign, users)
    with pytest.raises(ValidationError, match="Vote for or against"):
        services.judgement_save(nomination=nomination, judge=users["reviewer"], scores=_scores())
    assert not Judgement.objects.exists()
    judgement = services.judgement_save(nomination=nomination, judge=users["reviewer"], vote=False)
    assert (judgement.vote, judgement.total) == (False, None)
    assert not judgement.scores.exists()


@pytest.mark.parametrize("value", ["-1", "41", "1.25", "x"])
def test_it_refuses_scores_outside_the_rubric_and_saves_nothing(company, users, value):
    _, nom_a, _ = _judging(company, users)
    scores = _scores()
    work = hs.award_rubric().criteria.get(title="工作业绩")  # out of 40
    scores[work.pk] = value
    with pytest.raises(ValidationError, match="“工作业绩”"):
        services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=scores)
    assert not Judgement.objects.exists()
    assert not JudgementScore.objects.exists()


def test_it_refuses_a_score_sheet_with_a_missing_or_foreign_criterion(company, users):
    _, nom_a, _ = _judging(company, users)
    scores = _scores()
    scores.pop(next(iter(scores)))
    with pytest.raises(ValidationError, match="has no score"):
        services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=scores)
    foreign = {**_scores(), hs.post_rubric().criteria.first().pk: "1"}
    with pytest.raises(ValidationError, match="not on this rubric"):
        services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=foreign)
    assert not Judgement.objects.exists()


def test_it_keeps_the_first_judgement_when_a_rejudging_is_refused(company, users):
    _, nom_a, _ = _judging(company, users)
    services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=_scores())
    with pytest.raises(ValidationError):
        services.judgement_save(nomination=nom_a, judge=users["reviewer"], scores=_scores("99"))
    assert Judgement.objects.get().total == Decimal("100")
    assert JudgementScore.objects.count() == hs.award_rubric().criteria.count()


# --- winners ------------------------------------------------------------------------------------------


def _statuses() -> dict:
    return dict(Nomination.objects.values_list("pk", "status"))


def test_it_selects_winners_and_can_change_its_mind(company, users):
    offer, nom_a, nom_b = _judging(company, users)
    admin = users["committee_admin"]
    services.winners_select(offer=offer, by=admin, winner_ids=[nom_a.pk, nom_b.pk])
    assert _statuses() == {nom_a.pk: NominationStatus.WINNER, nom_b.pk: NominationStatus.WINNER}
    services.winners_select(offer=offer, by=admin, winner_ids=[nom_b.pk])
    assert _statuses() == {nom_a.pk: NominationStatus.NOMINATED, nom_b.pk: NominationStatus.WINNER}


def test_it_refuses_more_winners_than_the_quota(company, users):
    offer, nom_a, nom_b = _judging(company, users, offers={hs.MEMBER_AWARD: (1, 1)})
    with pytest.raises(ValidationError, match="at most 1 winners; 2 were selected"):
        services.winners_select(offer=offer, by=users["committee_admin"], winner_ids=[nom_a.pk, nom_b.pk])
    assert set(_statuses().values()) == {NominationStatus.NOMINATED}


def _with_top_grade(company, users, *, cap):
    campaign = hs.make_campaign(company, users, offers={})
    admin = users["committee_admin"]
    offer = services.offer_save(
        campaign=campaign,
        by=admin,
        award=Award.objects.get(name=hs.MEMBER_AWARD),
        quota=3,
        branch_quota=3,
        top_grade_label="特别奖",
        top_grade_cap_percent=cap,
    )
    services.campaign_transition(campaign=campaign, action="open", by=admin)
    people = [company.member_a, *MemberFactory.create_batch(2, organization=company.branch_a)]
    nominations = [hs.nominate(offer, users, candidate=p, organization=company.branch_a) for p in people]
    hs.close(campaign, users)
    return offer, nominations


def test_it_caps_the_share_of_the_top_grade(company, users):
    offer, (n1, n2, n3) = _with_top_grade(company, users, cap=50)
    admin = users["committee_admin"]
    with pytest.raises(ValidationError, match="At most 1 of 3 winners may receive “特别奖”"):
        services.winners_select(offer=offer, by=admin, winner_ids=[n1.pk, n2.pk, n3.pk], top_ids=[n1.pk, n2.pk])
    assert not Nomination.objects.filter(is_top_grade=True).exists()
    services.winners_select(offer=offer, by=admin, winner_ids=[n1.pk, n2.pk, n3.pk], top_ids=[n1.pk])
    assert list(Nomination.objects.filter(is_top_grade=True).values_list("pk", flat=True)) == [n1.pk]


def test_it_leaves_the_top_grade_uncapped_without_a_percentage(company, users):
    offer, (n1, n2, n3) = _with_top_grade(company, users, cap=None)
    ids = [n1.pk, n2.pk, n3.pk]
    services.winners_select(offer=offer, by=users["committee_admin"], winner_ids=ids, top_ids=ids)
    assert Nomination.objects.filter(is_top_grade=True).count() == 3


def test_it_refuses_a_top_grade_when_the_award_has_none(company, users):
    offer, nom_a, _ = _judging(company, users)
    with pytest.raises(ValidationError, match="At most 0 of 1 winners"):
        services.winners_select(offer=offer, by=users["committee_admin"], winner_ids=[nom_a.pk], top_ids=[nom_a.pk])


def test_it_gives_the_top_grade_to_winners_only(company, users):
    offer, (n1, n2, _) = _with_top_grade(company, users, cap=100)
    with pytest.raises(ValidationError, match="Only winners can receive the top grade"):
        services.winners_select(offer=offer, by=users["committee_admin"], winner_ids=[n1.pk], top_ids=[n2.pk])
    assert set(_statuses().values()) == {NominationStatus.NOMINATED}


def test_it_refuses_a_nomination_of_another_offer_or_a_withdrawn_one(company, users):
    campaign = hs.make_campaign(
        company, users, status=CampaignStatus.NOMINATING, offers={hs.MEMBER_AWARD: (2, 2), hs.WORKER_AWARD: (2, 2)}
    )
    member_offer, worker_offer = hs.offer_of(campaign), hs.offer_of(campaign, hs.WORKER_AWARD)
    mine = hs.nominate(member_offer, users, candidate=company.member_a, organization=company.branch_a)
    other = hs.nominate(worker_offer, users, candidate=company.member_b, organization=company.branch_b)
    gone = hs.nominate(
        member_offer, users, candidate=MemberFactory(organization=company.branch_a), organization=company.branch_a
    )
    services.nomination_withdraw(nomination=gone, by=users["secretary_a"])
    hs.close(campaign, users)
    admin = users["committee_admin"]
    for ids in ([mine.pk, other.pk], [gone.pk], [999999]):
        with pytest.raises(ValidationError, match="not nominations of this award"):
            services.winners_select(offer=member_offer, by=admin, winner_ids=ids)
    assert not Nomination.objects.filter(status=NominationStatus.WINNER).exists()


def test_it_refuses_winner_selection_outside_judging_or_by_a_reviewer(company, users):
    offer, nom_a, _ = _judging(company, users)
    with pytest.raises(TransitionError, match="selected by the committee office"):
        services.winners_select(offer=offer, by=users["reviewer"], winner_ids=[nom_a.pk])
    hs.publish(offer.campaign, users, {offer: [nom_a]})
    with pytest.raises(TransitionError, match="while the campaign is in judging"):
        services.winners_select(offer=offer, by=users["committee_admin"], winner_ids=[])
    nom_a.refresh_from_db()
    assert nom_a.status == NominationStatus.WINNER
