"""honors:campaign_detail — the campaign for everyone who may view it, with the actions of each role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org


def _url(campaign) -> str:
    return reverse("honors:campaign_detail", args=[campaign.pk])


def _section(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</section>", start)] if "</section>" in body[start:] else body[start:]


def _published(company, users):
    campaign, offered, noms = hc.judging_campaign(company, users, per_branch=2, quota=3)
    services.winners_select(offer=offered, by=users["committee_admin"], winner_ids=[noms[0].pk, noms[1].pk])
    campaign = services.campaign_transition(campaign=campaign, action="publish", by=users["committee_admin"])
    return campaign, offered, noms


def test_it_shows_the_campaign_offers_and_figures(company, users, clients):
    campaign = hc.draft_campaign(company, users, description="按名额推荐，7月1日前公示。")
    hc.offer(campaign, users, quota=3, branch_quota=2)
    campaign = services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    offered = campaign.offers.get()
    for branch in ("a", "a", "b"):
        hc.nominate(offered, users, company, branch=branch)

    body = clients["reviewer"].get(_url(campaign)).content.decode()

    assert 'data-status="nominating"' in body and "按名额推荐，7月1日前公示。" in body
    assert campaign.nomination_closes_on.strftime("%Y-%m-%d") in _section(body, "window")
    offers = _section(body, "offers")
    assert hc.MEMBER_AWARD in offers
    assert 'data-testid="quota">3<' in offers and 'data-testid="branch-quota">2<' in offers
    assert 'data-testid="nominated">3<' in offers and 'data-testid="awarded">0<' in offers
    figures = _section(body, "figures")
    assert 'data-testid="figure-nominated">3<' in figures and 'data-testid="figure-awarded">0<' in figures
    assert company.branch_a.name in figures and company.branch_b.name in figures


def test_the_committee_office_gets_the_draft_actions(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    hc.offer(campaign, users)

    admin = clients["committee_admin"].get(_url(campaign)).content.decode()
    reviewer = clients["reviewer"].get(_url(campaign)).content.decode()

    for marker in ('data-testid="action-open"', 'data-testid="action-edit"', 'data-testid="action-offer-create"'):
        assert marker in admin and marker not in reviewer
    assert reverse("honors:offer_edit", args=[campaign.offers.get().pk]) in admin
    assert 'data-testid="action-close"' not in admin


def test_in_judging_the_office_gets_winners_links_and_judges_the_judge_button(company, users, clients):
    campaign, offered, _ = hc.judging_campaign(company, users)

    admin = clients["committee_admin"].get(_url(campaign)).content.decode()
    judge = clients["reviewer"].get(_url(campaign)).content.decode()

    assert reverse("honors:winners", args=[offered.pk]) in admin and 'data-testid="action-publish"' in admin
    assert reverse("honors:winners", args=[offered.pk]) not in judge
    assert reverse("honors:judge", args=[campaign.pk]) in judge
    assert 'data-testid="action-edit"' in admin  # judges may still change while judging


def test_a_secretary_sees_the_branch_quota_and_only_own_nominations_with_withdraw(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, branch_quota=2)
    mine = hc.nominate(offered, users, company, branch="a")
    theirs = hc.nominate(offered, users, company, branch="b")

    body = clients["secretary_a"].get(_url(campaign)).content.decode()

    usage = _section(body, "quota-usage")
    assert 'data-testid="used">1/2<' in usage and 'data-testid="left">1<' in usage
    assert f'data-nomination="{mine.pk}"' in body and f'data-nomination="{theirs.pk}"' not in body
    assert reverse("honors:nomination_withdraw", args=[mine.pk]) in body
    assert reverse("honors:nominate", args=[campaign.pk]) in body
    assert 'data-testid="action-open"' not in body and 'data-testid="transition-form"' not in body


def test_no_withdraw_button_after_nominations_close(company, users, clients):
    campaign, _, noms = hc.judging_campaign(company, users)

    body = clients["secretary_a"].get(_url(campaign)).content.decode()

    assert f'data-nomination="{noms[0].pk}"' in body
    assert 'data-testid="action-withdraw"' not in body and 'data-testid="action-nominate"' not in body


def test_after_publishing_everyone_sees_the_winners(company, users, clients):
    campaign, _, noms = _published(company, users)

    for role in ("secretary_b", "reviewer", "committee_admin"):
        body = clients[role].get(_url(campaign)).content.decode()
        winners = _section(body, "winners")
        assert f'data-nomination="{noms[0].pk}"' in winners and f'data-nomination="{noms[1].pk}"' in winners
        assert f'data-nomination="{noms[2].pk}"' not in winners
        assert 'data-testid="publicity-end"' in body
    admin = clients["committee_admin"].get(_url(campaign)).content.decode()
    assert 'data-testid="action-finalize"' in admin and 'data-testid="action-reopen_judging"' in admin
    assert 'data-testid="figure-awarded">2<' in admin and 'data-testid="figure-rate">50.0%<' in admin


def test_before_publishing_there_is_no_winners_list(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    services.winners_select(offer=offered, by=users["committee_admin"], winner_ids=[noms[0].pk])

    assert 'data-testid="winners"' not in clients["secretary_b"].get(_url(campaign)).content.decode()


def test_drafts_are_not_found_for_secretaries(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    assert clients["secretary_a"].get(_url(campaign)).status_code == 404


def test_another_committees_campaign_is_not_found(company, users):
    campaign = hc.draft_campaign(company, users)
    other = UserFactory(role=Role.REVIEWER, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99"))
    assert client_for(other).get(_url(campaign)).status_code == 404


@pytest.mark.parametrize("role", ["staff", "sysadmin", "auditor"])
def test_it_refuses_roles_without_campaigns(company, users, clients, role):
    campaign, _ = hc.open_campaign(company, users)
    assert clients[role].get(_url(campaign)).status_code == 403


def _queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(campaign)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["committee_admin", "secretary_a", "reviewer"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, role):
    small, _, _ = _published(company, users)
    few = _queries(clients[role], small)

    campaign = hc.draft_campaign(company, users, name="大表彰")
    offers = [hc.offer(campaign, users, name, quota=4, branch_quota=3) for name in (hc.MEMBER_AWARD, "优秀党务工作者")]
    campaign = services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    noms = [hc.nominate(o, users, company, branch=b) for o in offers for b in ("a", "a", "b", "b")]
    campaign = hc.close(campaign, users)
    for o in offers:
        picked = [n.pk for n in noms if n.offer_id == o.pk][:3]
        services.winners_select(offer=o, by=users["committee_admin"], winner_ids=picked)
    campaign = services.campaign_transition(campaign=campaign, action="publish", by=users["committee_admin"])

    assert _queries(clients[role], campaign) == few
