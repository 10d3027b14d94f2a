"""honors:offer_create / offer_edit / offer_remove — awards on offer with quotas, while the campaign is a draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors.models import Award, BranchQuota, CampaignAward

from . import honors_campaign_support as hc
from .factories import OrgKind, make_org


def _create_url(campaign) -> str:
    return reverse("honors:offer_create", args=[campaign.pk])


def _edit_url(offered) -> str:
    return reverse("honors:offer_edit", args=[offered.pk])


def _remove_url(offered) -> str:
    return reverse("honors:offer_remove", args=[offered.pk])


def test_it_puts_an_award_on_offer_with_a_capped_top_grade(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    award = hc.award()

    response = clients["committee_admin"].post(
        _create_url(campaign),
        {"award": award.pk, "quota": 10, "branch_quota": 2, "top_grade_label": "特别奖", "top_grade_cap_percent": 20},
    )

    assert response.status_code == 302
    offered = CampaignAward.objects.get()
    assert (offered.award, offered.quota, offered.branch_quota) == (award, 10, 2)
    assert (offered.top_grade_label, offered.top_grade_cap_percent) == ("特别奖", 20)


def test_the_award_list_holds_active_awards_not_yet_on_offer(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    hc.offer(campaign, users, hc.MEMBER_AWARD)
    retired = Award.objects.create(name="已停用奖项", recipient_kind="member", is_active=False)

    body = clients["committee_admin"].get(_create_url(campaign)).content.decode()

    assert f'value="{hc.award(hc.BRANCH_AWARD).pk}"' in body
    assert f'value="{hc.award().pk}"' not in body and f'value="{retired.pk}"' not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quota": 0, "branch_quota": 1}, "greater than or equal to 1"),
        ({"quota": 5, "branch_quota": ""}, "This field is required."),
        ({"quota": 5, "branch_quota": 1, "top_grade_cap_percent": 30}, "Name the top grade to cap it."),
        (
            {"quota": 5, "branch_quota": 1, "top_grade_label": "一等奖", "top_grade_cap_percent": 150},
            "less than or equal to 100",
        ),
    ],
)
def test_it_refuses_bad_quotas(company, users, clients, data, message):
    campaign = hc.draft_campaign(company, users)

    response = clients["committee_admin"].post(_create_url(campaign), {"award": hc.award().pk, **data})

    assert response.status_code == 200 and message in response.content.decode()
    assert not CampaignAward.objects.exists()


def test_it_edits_the_quotas(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users, quota=2, branch_quota=1)

    response = clients["committee_admin"].post(
        _edit_url(offered), {"form": "offer", "quota": 8, "branch_quota": 3, "top_grade_label": ""}
    )

    offered.refresh_from_db()
    assert response.status_code == 302 and (offered.quota, offered.branch_quota) == (8, 3)


def test_it_sets_and_resets_one_branchs_quota(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users, branch_quota=1)
    client = clients["committee_admin"]

    client.post(_edit_url(offered), {"form": "branch_quota", "organization": company.branch_a.pk, "quota": 4})
    assert BranchQuota.objects.get(offer=offered, organization=company.branch_a).quota == 4
    assert 'data-testid="override"' in client.get(_edit_url(offered)).content.decode()

    client.post(_edit_url(offered), {"form": "branch_quota", "organization": company.branch_a.pk, "quota": ""})
    assert not BranchQuota.objects.exists()


def test_branch_quotas_only_for_branches_under_the_committee(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users)
    stranger = make_org("外单位党支部", OrgKind.BRANCH, make_org("外单位党委", OrgKind.COMMITTEE, code="C77"))

    response = clients["committee_admin"].post(
        _edit_url(offered), {"form": "branch_quota", "organization": stranger.pk, "quota": 4}
    )

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not BranchQuota.objects.exists()


def test_it_removes_an_offer_from_a_draft(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users)

    response = clients["committee_admin"].post(_remove_url(offered))

    assert response.status_code == 302 and not CampaignAward.objects.exists()


def test_after_opening_offers_are_fixed(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, quota=2)
    client = clients["committee_admin"]

    create = client.get(_create_url(campaign), follow=True)
    edit = client.post(_edit_url(offered), {"form": "offer", "quota": 9, "branch_quota": 9}, follow=True)
    remove = client.post(_remove_url(offered), follow=True)

    for response in (create, edit, remove):
        assert "Awards and quotas are set while the campaign is a draft." in response.content.decode()
    offered.refresh_from_db()
    assert offered.quota == 2 and CampaignAward.objects.count() == 1


def test_remove_accepts_only_post(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users)
    assert clients["committee_admin"].get(_remove_url(offered)).status_code == 405


@pytest.mark.parametrize("role", ["reviewer", "secretary_a", "staff"])
def test_it_refuses_other_roles(company, users, clients, role):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users)
    client = clients[role]
    assert client.get(_create_url(campaign)).status_code == 403
    assert (
        client.post(
            _create_url(campaign), {"award": hc.award(hc.BRANCH_AWARD).pk, "quota": 1, "branch_quota": 1}
        ).status_code
        == 403
    )
    assert client.post(_edit_url(offered), {"form": "offer", "quota": 9, "branch_quota": 9}).status_code == 403
    assert client.post(_remove_url(offered)).status_code == 403
    assert CampaignAward.objects.get().quota == 2


def test_another_committees_offer_is_not_found(company, users):
    from portal.accounts.models import Role

    from .conftest import client_for
    from .factories import UserFactory

    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users)
    other = client_for(
        UserFactory(role=Role.COMMITTEE_ADMIN, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99"))
    )
    assert other.get(_edit_url(offered)).status_code == 404
    assert other.post(_remove_url(offered)).status_code == 404
    assert other.get(_create_url(campaign)).status_code == 404
    assert CampaignAward.objects.exists()
