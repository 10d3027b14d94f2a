"""honors:campaign_list — campaigns in reach, with status, period, window, nominated/awarded counts and to-dos."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from honors import services
from honors.models import Campaign
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org

URL = reverse("honors:campaign_list")


def _row(body: str, campaign) -> str:
    start = body.index(f'data-campaign="{campaign.pk}"')
    return body[start : body.index("</tr>", start)]


def test_it_lists_campaigns_with_status_period_and_counts(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, quota=1)
    hc.nominate(offered, users, company, branch="a")
    n_b = hc.nominate(offered, users, company, branch="b")
    withdrawn = hc.nominate(offered, users, company, branch="a")
    services.nomination_withdraw(nomination=withdrawn, by=users["secretary_a"])
    hc.close(campaign, users)
    services.winners_select(offer=offered, by=users["committee_admin"], winner_ids=[n_b.pk])
    quarterly = hc.draft_campaign(company, users, name="2026年第三季度党员先锋岗", quarter=3)

    body = clients["committee_admin"].get(URL).content.decode()

    row = _row(body, campaign)
    assert "2026年七一表彰" in row and 'data-status="judging"' in row
    assert 'data-testid="n-nominated">2<' in row
    assert 'data-testid="n-awarded">1<' in row
    assert campaign.nomination_opens_on.strftime("%Y-%m-%d") in row
    draft_row = _row(body, quarterly)
    assert 'data-status="draft"' in draft_row and "Q3" in draft_row
    assert 'data-testid="n-nominated">0<' in draft_row


def test_it_offers_new_campaign_to_the_committee_office_only(company, users, clients):
    assert 'data-testid="action-create"' in clients["committee_admin"].get(URL).content.decode()
    assert 'data-testid="action-create"' not in clients["reviewer"].get(URL).content.decode()
    assert 'data-testid="action-create"' not in clients["secretary_a"].get(URL).content.decode()


def test_it_hides_drafts_from_secretaries_and_highlights_open_windows(company, users, clients):
    draft = hc.draft_campaign(company, users, name="草稿表彰")
    campaign, _ = hc.open_campaign(company, users)

    body = clients["secretary_a"].get(URL).content.decode()

    assert f'data-campaign="{draft.pk}"' not in body
    row = _row(body, campaign)
    assert 'class="table-warning"' in row
    assert reverse("honors:nominate", args=[campaign.pk]) in row


def test_it_shows_no_nominate_button_when_the_window_has_closed(company, users, clients):
    campaign, _ = hc.open_campaign(company, users)
    Campaign.objects.filter(pk=campaign.pk).update(
        nomination_opens_on=timezone.localdate() - dt.timedelta(days=9),
        nomination_closes_on=timezone.localdate() - dt.timedelta(days=1),
    )

    row = _row(clients["secretary_a"].get(URL).content.decode(), campaign)

    assert 'data-testid="action-nominate"' not in row and "table-warning" not in row


def test_it_shows_the_judge_button_to_judges_of_a_campaign_in_judging(company, users, clients):
    campaign, _, _ = hc.judging_campaign(company, users)
    other_reviewer = UserFactory(role=Role.REVIEWER, scope=company.committee)

    judge_row = _row(clients["reviewer"].get(URL).content.decode(), campaign)
    other_row = _row(client_for(other_reviewer).get(URL).content.decode(), campaign)

    assert reverse("honors:judge", args=[campaign.pk]) in judge_row and "table-warning" in judge_row
    assert 'data-testid="action-judge"' not in other_row


def test_it_lists_only_campaigns_in_reach(company, users, clients):
    ours, _ = hc.open_campaign(company, users)
    other_committee = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    other_admin = UserFactory(role=Role.COMMITTEE_ADMIN, scope=other_committee)
    theirs = hc.draft_campaign(
        company, {"committee_admin": other_admin, "reviewer": other_admin}, organization=other_committee
    )

    body = clients["committee_admin"].get(URL).content.decode()

    assert f'data-campaign="{ours.pk}"' in body and f'data-campaign="{theirs.pk}"' not in body


def test_it_filters_by_status(company, users, clients):
    draft = hc.draft_campaign(company, users, name="草稿表彰")
    opened, _ = hc.open_campaign(company, users)

    body = clients["committee_admin"].get(URL, {"status": "draft"}).content.decode()

    assert f'data-campaign="{draft.pk}"' in body and f'data-campaign="{opened.pk}"' not in body


@pytest.mark.parametrize("role", ["staff", "sysadmin", "auditor"])
def test_it_refuses_roles_without_campaigns(company, users, clients, role):
    assert clients[role].get(URL).status_code == 403


def test_it_sends_visitors_to_the_login_page(clients):
    response = clients["visitor"].get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["committee_admin", "secretary_a", "reviewer"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, role):
    campaign, offered = hc.open_campaign(company, users)
    hc.nominate(offered, users, company, branch="a")
    few = _queries(clients[role])
    for index in range(4):
        more, more_offer = hc.open_campaign(company, users, name=f"表彰{index}")
        hc.nominate(more_offer, users, company, branch="a")
        hc.nominate(more_offer, users, company, branch="b")
    hc.close(more, users)
    assert _queries(clients[role]) == few
