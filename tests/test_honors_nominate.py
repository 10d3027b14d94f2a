"""honors:nominate and honors:candidate_search — a branch secretary nominates within the window and the quota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from honors import services
from honors.models import Campaign, Nomination, NominationEvidence, NominationStatus
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import MemberFactory, OrgKind, UserFactory, make_org
from .projects_support import pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(campaign) -> str:
    return reverse("honors:nominate", args=[campaign.pk])


def _search(campaign) -> str:
    return reverse("honors:candidate_search", args=[campaign.pk])


def _data(offered, candidate, **extra) -> dict:
    data = {"offer": offered.pk, "candidate": candidate.pk, "citation": hc.CITATION}
    data.update(extra)
    return data


def test_the_form_lists_the_awards_with_usage_and_the_branchs_candidates(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, branch_quota=2)
    hc.nominate(offered, users, company, branch="a")
    in_group = MemberFactory(organization=company.group_a1, name="组内党员")

    body = clients["secretary_a"].get(_url(campaign)).content.decode()

    assert f"{hc.MEMBER_AWARD} (1/2)" in body
    assert company.member_a.name in body and in_group.name in body
    assert company.member_b.name not in body
    assert f'hx-get="{_search(campaign)}"' in body


def test_it_nominates_with_evidence(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    upload = SimpleUploadedFile("事迹材料.pdf", pdf_bytes(), content_type="application/pdf")

    response = clients["secretary_a"].post(_url(campaign), {**_data(offered, company.member_a), "evidence": [upload]})

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("honors:nomination_detail", args=[nomination.pk])
    assert nomination.member == company.member_a and nomination.organization == company.branch_a
    assert nomination.nominated_by == users["secretary_a"] and nomination.status == NominationStatus.NOMINATED
    assert NominationEvidence.objects.get(nomination=nomination).original_name == "事迹材料.pdf"


def test_it_nominates_a_branch_for_an_organization_award(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    offered = hc.offer(campaign, users, hc.BRANCH_AWARD)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])

    body = clients["secretary_a"].get(_url(campaign), {"offer": offered.pk}).content.decode()
    assert f'value="{company.branch_a.pk}"' in body and f'value="{company.branch_b.pk}"' not in body

    clients["secretary_a"].post(_url(campaign), _data(offered, company.branch_a))
    assert Nomination.objects.get().branch == company.branch_a


def test_over_quota_is_refused_and_nothing_saved(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, branch_quota=1)
    hc.nominate(offered, users, company, branch="a")
    another = MemberFactory(organization=company.branch_a)

    page = clients["secretary_a"].get(_url(campaign)).content.decode()
    response = clients["secretary_a"].post(_url(campaign), _data(offered, another))

    assert f'value="{offered.pk}" disabled' in page and "(1/1)" in page
    assert response.status_code == 200
    assert "may nominate at most 1" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_after_a_refusal_the_used_up_award_is_not_left_selected(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    used_up = hc.offer(campaign, users, branch_quota=1)
    other = hc.offer(campaign, users, "优秀党务工作者", branch_quota=1)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    hc.nominate(used_up, users, company, branch="a")
    another = MemberFactory(organization=company.branch_a)

    response = clients["secretary_a"].post(_url(campaign), _data(used_up, another))

    body = response.content.decode()
    assert "may nominate at most 1" in body and Nomination.objects.count() == 1
    # the used-up award is disabled and no longer selected: the first award with places is, the rest is kept
    assert response.context["chosen"] == other
    assert f'value="{used_up.pk}" disabled data-testid' in body
    assert f'value="{other.pk}" selected' in body
    assert f'value="{another.pk}" selected' in body
    assert hc.CITATION in body

    hc.nominate(other, users, company, branch="a")
    response = clients["secretary_a"].post(_url(campaign), _data(other, another))
    assert response.context["chosen"] is None
    assert " selected" not in response.content.decode().split('id="id_offer"')[1].split("</select>")[0]


def test_a_closed_window_shows_the_dates_and_refuses_a_posted_nomination(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        nomination_opens_on=today - dt.timedelta(days=10), nomination_closes_on=today - dt.timedelta(days=1)
    )

    page = clients["secretary_a"].get(_url(campaign)).content.decode()
    response = clients["secretary_a"].post(_url(campaign), _data(offered, company.member_a))

    assert 'data-testid="window-closed"' in page and 'data-testid="nomination-form"' not in page
    assert "Nominations are accepted from" in response.content.decode()
    assert not Nomination.objects.exists()


def test_nominations_are_refused_once_judging_started(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    hc.close(campaign, users)

    response = clients["secretary_a"].post(_url(campaign), _data(offered, company.member_a))

    assert "nominations are not accepted" in response.content.decode() and not Nomination.objects.exists()


def test_a_forged_candidate_of_another_branch_is_refused(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)

    response = clients["secretary_a"].post(_url(campaign), _data(offered, company.member_b))

    assert response.status_code == 200
    assert "The candidate is not in your branch" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_candidate_of_the_wrong_kind_or_unknown_id_is_refused(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)

    response = clients["secretary_a"].post(_url(campaign), {**_data(offered, company.member_a), "candidate": 999999})

    assert "Choose a candidate from the list." in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_duplicate_nomination_is_refused(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, branch_quota=3)
    hc.nominate(offered, users, company, branch="a", candidate=company.member_a)

    response = clients["secretary_a"].post(_url(campaign), _data(offered, company.member_a))

    assert "already nominated for this award" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_a_forged_file_is_refused_and_nothing_saved(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    forged = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, content_type="application/pdf")

    response = clients["secretary_a"].post(_url(campaign), {**_data(offered, company.member_a), "evidence": [forged]})

    assert response.status_code == 200 and "not an accepted file type" in response.content.decode()
    assert not Nomination.objects.exists() and not NominationEvidence.objects.exists()


def test_a_short_citation_is_refused(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)

    response = clients["secretary_a"].post(_url(campaign), _data(offered, company.member_a, citation="优秀"))

    assert "at least 20 characters" in response.content.decode() and not Nomination.objects.exists()


def test_the_candidate_select_is_reloaded_for_the_chosen_award(company, users, clients):
    campaign = hc.draft_campaign(company, users)
    member_offer = hc.offer(campaign, users, hc.MEMBER_AWARD)
    branch_offer = hc.offer(campaign, users, hc.BRANCH_AWARD)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    hc.nominate(member_offer, users, company, branch="a", candidate=company.member_a)
    free = MemberFactory(organization=company.branch_a, name="王空闲")

    people = clients["secretary_a"].get(_search(campaign), {"offer": member_offer.pk}, HTTP_HX_REQUEST="true")
    branches = clients["secretary_a"].get(_search(campaign), {"offer": branch_offer.pk}).content.decode()
    nothing = clients["secretary_a"].get(_search(campaign), {"offer": "abc"}).content.decode()

    body = people.content.decode()
    assert body.lstrip().startswith("<option") and "<html" not in body
    assert free.name in body and company.member_a.name not in body and company.member_b.name not in body
    assert company.branch_a.name in branches and company.branch_b.name not in branches
    assert 'data-testid="candidate-option"' not in nothing


def test_an_offer_of_another_campaign_gives_no_candidates(company, users, clients):
    campaign, _ = hc.open_campaign(company, users)
    _, foreign_offer = hc.open_campaign(company, users, name="另一表彰")

    body = clients["secretary_a"].get(_search(campaign), {"offer": foreign_offer.pk}).content.decode()

    assert 'data-testid="candidate-option"' not in body


@pytest.mark.parametrize("role", ["reviewer", "committee_admin", "staff"])
def test_only_secretaries_nominate(company, users, clients, role):
    campaign, offered = hc.open_campaign(company, users)
    assert clients[role].get(_url(campaign)).status_code == 403
    assert clients[role].post(_url(campaign), _data(offered, company.member_a)).status_code == 403
    assert clients[role].get(_search(campaign), {"offer": offered.pk}).status_code == 403
    assert not Nomination.objects.exists()


def test_drafts_and_other_committees_are_not_found(company, users):
    draft = hc.draft_campaign(company, users, name="草稿")
    hc.offer(draft, users)
    assert client_for(users["secretary_a"]).get(_url(draft)).status_code == 404
    campaign, offered = hc.open_campaign(company, users)
    other_branch = make_org("外单位党支部", OrgKind.BRANCH, make_org("外单位党委", OrgKind.COMMITTEE, code="C77"))
    outsider = client_for(UserFactory(role=Role.SECRETARY, scope=other_branch))
    assert outsider.get(_url(campaign)).status_code == 404
    assert outsider.post(_url(campaign), _data(offered, company.member_a)).status_code == 404
    assert not Nomination.objects.exists()
