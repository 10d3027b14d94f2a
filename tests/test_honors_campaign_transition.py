"""honors:campaign_transition — the committee office moves a campaign along its table, with a comment box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors import services
from honors.models import CampaignStatus, CampaignTransition, Honor
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org


def _url(campaign) -> str:
    return reverse("honors:campaign_transition", args=[campaign.pk])


def _post(client, campaign, action, comment=""):
    return client.post(_url(campaign), {"action": action, "comment": comment}, follow=True)


def _status(campaign) -> str:
    campaign.refresh_from_db()
    return campaign.status


def _publicity(company, users):
    campaign, offered, noms = hc.judging_campaign(company, users)
    services.winners_select(offer=offered, by=users["committee_admin"], winner_ids=[noms[0].pk])
    return services.campaign_transition(campaign=campaign, action="publish", by=users["committee_admin"]), noms


def test_it_opens_a_draft_with_an_award_on_offer(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    hc.offer(campaign, users)

    response = _post(clients["committee_admin"], campaign, "open")

    assert response.redirect_chain[-1][0] == reverse("honors:campaign_detail", args=[campaign.pk])
    assert _status(campaign) == CampaignStatus.NOMINATING
    assert "The campaign is now “Nominating”." in response.content.decode()


def test_it_shows_the_refusal_to_open_without_awards(company, users, clients):
    campaign = hc.draft_campaign(company, users)

    response = _post(clients["committee_admin"], campaign, "open")

    assert _status(campaign) == CampaignStatus.DRAFT
    assert "Put at least one award on offer before opening nominations." in response.content.decode()


def test_publishing_needs_winners(company, users, clients):
    campaign, _, _ = hc.judging_campaign(company, users)

    response = _post(clients["committee_admin"], campaign, "publish")

    assert _status(campaign) == CampaignStatus.JUDGING
    assert "Select the winners before publishing the results." in response.content.decode()


def test_finalizing_during_publicity_needs_a_reason(company, users, clients):
    campaign, noms = _publicity(company, users)

    response = _post(clients["committee_admin"], campaign, "finalize")

    assert _status(campaign) == CampaignStatus.PUBLICITY and not Honor.objects.exists()
    assert "To finalize earlier, give the reason in the comment." in response.content.decode()


def test_finalizing_with_a_reason_grants_the_honours(company, users, clients):
    campaign, noms = _publicity(company, users)

    _post(clients["committee_admin"], campaign, "finalize", comment="党委会决定提前结束公示")

    assert _status(campaign) == CampaignStatus.AWARDED
    assert Honor.objects.get().nomination == noms[0]
    assert CampaignTransition.objects.filter(action="finalize", comment="党委会决定提前结束公示").exists()


def test_going_back_to_judging_needs_a_comment(company, users, clients):
    campaign, _ = _publicity(company, users)

    response = _post(clients["committee_admin"], campaign, "reopen_judging")
    assert _status(campaign) == CampaignStatus.PUBLICITY
    assert "Please give a reason in the comment." in response.content.decode()

    _post(clients["committee_admin"], campaign, "reopen_judging", comment="公示期收到异议")
    assert _status(campaign) == CampaignStatus.JUDGING


def test_it_refuses_unknown_and_out_of_order_actions(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    hc.offer(campaign, users)

    unknown = _post(clients["committee_admin"], campaign, "delete_everything")
    early = _post(clients["committee_admin"], campaign, "publish")

    assert "Unknown action." in unknown.content.decode()
    assert "is not possible now" in early.content.decode()
    assert _status(campaign) == CampaignStatus.DRAFT


def test_it_accepts_only_post(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    assert clients["committee_admin"].get(_url(campaign)).status_code == 405


@pytest.mark.parametrize("role", ["reviewer", "secretary_a", "staff"])
def test_it_refuses_other_roles(company, users, clients, role):
    campaign, _ = hc.open_campaign(company, users)
    assert clients[role].post(_url(campaign), {"action": "close"}).status_code == 403
    assert _status(campaign) == CampaignStatus.NOMINATING


def test_an_office_below_the_running_committee_is_refused(company, users):
    campaign, _ = hc.open_campaign(company, users)
    general_admin = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.general)
    assert client_for(general_admin).post(_url(campaign), {"action": "close"}).status_code == 403
    assert _status(campaign) == CampaignStatus.NOMINATING


def test_another_committees_campaign_is_not_found(company, users):
    campaign, _ = hc.open_campaign(company, users)
    other = UserFactory(role=Role.COMMITTEE_ADMIN, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99"))
    assert client_for(other).post(_url(campaign), {"action": "close"}).status_code == 404
    assert _status(campaign) == CampaignStatus.NOMINATING
