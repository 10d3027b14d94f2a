"""honors:campaign_create — the committee office sets up a campaign (draft) with its window and judges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from honors.models import Campaign, CampaignStatus
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org

URL = reverse("honors:campaign_create")


def _data(company, users, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "name": "2026年七一表彰",
        "organization": company.committee.pk,
        "year": today.year,
        "quarter": "",
        "description": "各党支部按名额推荐。",
        "nomination_opens_on": today.isoformat(),
        "nomination_closes_on": (today + dt.timedelta(days=14)).isoformat(),
        "publicity_days": 5,
        "judges": [users["reviewer"].pk, users["committee_admin"].pk],
    }
    data.update(overrides)
    return data


def test_it_creates_a_draft_campaign_with_judges(company, users, clients):
    response = clients["committee_admin"].post(URL, _data(company, users))

    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("honors:campaign_detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT and campaign.organization == company.committee
    assert campaign.quarter is None and campaign.created_by == users["committee_admin"]
    assert set(campaign.judges.all()) == {users["reviewer"], users["committee_admin"]}
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(campaign.pk)).exists()


def test_it_creates_a_quarterly_campaign_run_by_a_general_branch(company, users, clients):
    clients["committee_admin"].post(
        URL, _data(company, users, name="第三季度党员先锋岗", quarter=3, organization=company.general.pk)
    )

    campaign = Campaign.objects.get()
    assert campaign.quarter == 3 and campaign.organization == company.general


def test_the_form_offers_committees_in_scope_and_eligible_judges(company, users, clients):
    inactive = UserFactory(role=Role.REVIEWER, scope=company.committee, is_active=False, full_name="离职审核人")
    body = clients["committee_admin"].get(URL).content.decode()

    assert company.committee.name in body and company.general.name in body
    assert f'value="{company.branch_a.pk}"' not in body  # branches do not run campaigns
    assert f'value="{users["reviewer"].pk}"' in body
    assert users["secretary_a"].get_full_name() not in body and inactive.full_name not in body


def test_it_refuses_a_window_ending_before_it_starts(company, users, clients):
    today = timezone.localdate()
    response = clients["committee_admin"].post(
        URL,
        _data(company, users, nomination_closes_on=(today - dt.timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "The last day of nominations cannot be before the first." in response.content.decode()


def test_it_refuses_a_missing_name_and_a_judge_who_is_not_a_reviewer(company, users, clients):
    response = clients["committee_admin"].post(URL, _data(company, users, name="", judges=[users["secretary_a"].pk]))

    body = response.content.decode()
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "Give the campaign a name" in body and "is not one of the available choices" in body


def test_it_refuses_an_organization_outside_scope(company, users):
    other_committee = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    general_admin = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.general)

    response = client_for(general_admin).post(URL, _data(company, users, organization=other_committee.pk, judges=[]))

    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "secretary_a", "staff", "sysadmin", "auditor"])
def test_it_refuses_everyone_but_the_committee_office(company, users, clients, role):
    assert clients[role].get(URL).status_code == 403
    assert clients[role].post(URL, _data(company, users)).status_code == 403
    assert not Campaign.objects.exists()
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users[role]).exists()
