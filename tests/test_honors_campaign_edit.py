"""honors:campaign_edit — everything while a draft; after opening only what the service allows; optimistic lock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from honors import services
from honors.models import Campaign
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org


def _url(campaign) -> str:
    return reverse("honors:campaign_edit", args=[campaign.pk])


def _data(campaign, **overrides) -> dict:
    data = {
        "name": campaign.name,
        "organization": campaign.organization_id,
        "year": campaign.year,
        "quarter": campaign.quarter or "",
        "description": campaign.description,
        "nomination_opens_on": campaign.nomination_opens_on.isoformat(),
        "nomination_closes_on": campaign.nomination_closes_on.isoformat(),
        "publicity_days": campaign.publicity_days,
        "judges": list(campaign.judges.values_list("pk", flat=True)),
        "version": campaign.version,
    }
    data.update(overrides)
    return data


def test_the_form_shows_the_current_values_and_version(company, users, clients):
    campaign = hc.draft_campaign(company, users)

    body = clients["committee_admin"].get(_url(campaign)).content.decode()

    assert 'name="name" value="2026年七一表彰"' in body
    assert f'name="version" value="{campaign.version}"' in body
    assert re.search(rf'name="judges" value="{users["reviewer"].pk}"[^>]*checked', body)
    assert not re.search(rf'name="judges" value="{users["committee_admin"].pk}"[^>]*checked', body)


def test_it_edits_everything_while_a_draft(company, users, clients):
    campaign = hc.draft_campaign(company, users)

    response = clients["committee_admin"].post(
        _url(campaign), _data(campaign, name="2026年七一表彰（修订）", quarter=2, judges=[users["committee_admin"].pk])
    )

    campaign.refresh_from_db()
    assert response.status_code == 302
    assert campaign.name == "2026年七一表彰（修订）" and campaign.quarter == 2 and campaign.version == 2
    assert list(campaign.judges.all()) == [users["committee_admin"]]


def test_after_opening_it_changes_the_closing_date(company, users, clients):
    campaign, _ = hc.open_campaign(company, users)
    later = campaign.nomination_closes_on + dt.timedelta(days=7)

    response = clients["committee_admin"].post(_url(campaign), _data(campaign, nomination_closes_on=later.isoformat()))

    campaign.refresh_from_db()
    assert response.status_code == 302 and campaign.nomination_closes_on == later


def test_after_opening_it_shows_the_services_refusal_to_rename(company, users, clients):
    campaign, _ = hc.open_campaign(company, users)

    response = clients["committee_admin"].post(_url(campaign), _data(campaign, name="改名"))

    body = response.content.decode()
    campaign.refresh_from_db()
    assert response.status_code == 200 and campaign.name == "2026年七一表彰"
    assert "Once nominations are open only the notice, the closing date and the publicity days may change." in body


def test_a_stale_version_is_a_conflict_and_saves_nothing(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    stale = _data(campaign, name="我的修改")
    services.campaign_update(campaign=campaign, by=users["committee_admin"], data={"name": "别人的修改"}, version=1)

    response = clients["committee_admin"].post(_url(campaign), stale)

    campaign.refresh_from_db()
    assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
    assert campaign.name == "别人的修改"


def test_a_published_campaign_can_no_longer_change(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    services.winners_select(offer=offered, by=users["committee_admin"], winner_ids=[noms[0].pk])
    campaign = services.campaign_transition(campaign=campaign, action="publish", by=users["committee_admin"])

    response = clients["committee_admin"].post(_url(campaign), _data(campaign, description="新的通知"))

    campaign.refresh_from_db()
    assert response.status_code == 200 and campaign.description == ""
    assert "The results are published: the campaign can no longer be changed." in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "secretary_a", "staff"])
def test_it_refuses_other_roles(company, users, clients, role):
    campaign, _ = hc.open_campaign(company, users)
    assert clients[role].get(_url(campaign)).status_code == 403
    assert clients[role].post(_url(campaign), _data(campaign, name="x")).status_code == 403
    assert Campaign.objects.get().name == "2026年七一表彰"


def test_an_office_below_the_running_committee_may_read_but_not_edit(company, users):
    campaign = hc.draft_campaign(company, users)
    general_admin = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.general)
    assert client_for(general_admin).get(_url(campaign)).status_code == 403


def test_another_committees_campaign_is_not_found(company, users):
    campaign = hc.draft_campaign(company, users)
    other = UserFactory(role=Role.COMMITTEE_ADMIN, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99"))
    assert client_for(other).get(_url(campaign)).status_code == 404
    assert client_for(other).post(_url(campaign), _data(campaign, name="x")).status_code == 404


def test_it_refuses_a_closing_date_before_opening(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    before = (timezone.localdate() - dt.timedelta(days=3)).isoformat()

    response = clients["committee_admin"].post(_url(campaign), _data(campaign, nomination_closes_on=before))

    assert response.status_code == 200 and "cannot be before the first" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.version == 1
