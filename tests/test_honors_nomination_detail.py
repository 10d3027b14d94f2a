"""honors:nomination_detail, nomination_withdraw and evidence_download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from honors import services
from honors.models import NominationEvidence, NominationStatus
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from . import honors_campaign_support as hc
from .factories import UserFactory
from .projects_support import pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(nomination) -> str:
    return reverse("honors:nomination_detail", args=[nomination.pk])


def _withdraw(nomination) -> str:
    return reverse("honors:nomination_withdraw", args=[nomination.pk])


def _with_evidence(company, users):
    campaign, offered = hc.open_campaign(company, users)
    upload = SimpleUploadedFile("事迹材料.pdf", pdf_bytes(), content_type="application/pdf")
    nomination = hc.nominate(offered, users, company, branch="a", candidate=company.member_a, evidence=[upload])
    return campaign, offered, nomination


def test_it_shows_the_nomination_with_its_evidence(company, users, clients):
    _, _, nomination = _with_evidence(company, users)
    evidence = NominationEvidence.objects.get()

    body = clients["secretary_a"].get(_url(nomination)).content.decode()

    assert company.member_a.name in body and hc.MEMBER_AWARD in body and company.branch_a.name in body
    assert hc.CITATION in body and "事迹材料.pdf" in body
    assert reverse("honors:evidence_download", args=[evidence.pk]) in body
    assert 'data-testid="judgements"' not in body
    assert _withdraw(nomination) in body


def test_it_downloads_evidence_as_an_attachment(company, users, clients):
    _with_evidence(company, users)
    evidence = NominationEvidence.objects.get()
    url = reverse("honors:evidence_download", args=[evidence.pk])

    response = clients["reviewer"].get(url)

    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert AuditEvent.objects.filter(event=Event.EXPORT, user=users["reviewer"]).exists()


def test_evidence_of_another_branch_is_not_found(company, users, clients):
    _with_evidence(company, users)
    url = reverse("honors:evidence_download", args=[NominationEvidence.objects.get().pk])
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["staff"].get(url).status_code == 403
    assert clients["secretary_a"].get(url).status_code == 200


def test_the_committee_office_sees_every_judgement_and_a_judge_only_their_own(company, users, clients):
    second = UserFactory(role=Role.REVIEWER, scope=company.committee, full_name="第二评委")
    campaign = hc.draft_campaign(company, users, judges=[users["reviewer"], second])
    offered = hc.offer(campaign, users)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    nomination = hc.nominate(offered, users, company, branch="a")
    hc.close(campaign, users)
    criteria = list(offered.award.rubric.criteria.all())
    services.judgement_save(
        nomination=nomination, judge=users["reviewer"], scores={c.pk: c.max_score for c in criteria}
    )
    services.judgement_save(nomination=nomination, judge=second, scores={c.pk: 1 for c in criteria}, comments="一般")

    admin = clients["committee_admin"].get(_url(nomination)).content.decode()
    judge = clients["reviewer"].get(_url(nomination)).content.decode()
    secretary = clients["secretary_a"].get(_url(nomination)).content.decode()

    assert f'data-judge="{users["reviewer"].pk}"' in admin and f'data-judge="{second.pk}"' in admin
    assert "100.0" in admin and "4.0" in admin
    assert f'data-judge="{users["reviewer"].pk}"' in judge and f'data-judge="{second.pk}"' not in judge
    assert reverse("honors:nomination_judge", args=[nomination.pk]) in judge
    assert 'data-testid="judgements"' not in secretary


def test_it_withdraws_a_nomination_and_frees_the_place(company, users, clients):
    campaign, offered = hc.open_campaign(company, users, branch_quota=1)
    nomination = hc.nominate(offered, users, company, branch="a")

    response = clients["secretary_a"].post(_withdraw(nomination))

    nomination.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("honors:campaign_detail", args=[campaign.pk])
    assert nomination.status == NominationStatus.WITHDRAWN
    hc.nominate(offered, users, company, branch="a")  # the place is free again


def test_withdrawing_after_nominations_close_is_refused(company, users, clients):
    campaign, _, noms = hc.judging_campaign(company, users)

    response = clients["secretary_a"].post(_withdraw(noms[0]), follow=True)

    noms[0].refresh_from_db()
    assert noms[0].status == NominationStatus.NOMINATED
    assert "can be withdrawn only while nominations are open" in response.content.decode()
    assert 'data-testid="action-withdraw"' not in clients["secretary_a"].get(_url(noms[0])).content.decode()


def test_withdraw_permissions(company, users, clients):
    _, offered = hc.open_campaign(company, users)
    nomination = hc.nominate(offered, users, company, branch="a")
    assert clients["secretary_b"].post(_withdraw(nomination)).status_code == 404
    assert clients["reviewer"].post(_withdraw(nomination)).status_code == 403
    assert clients["committee_admin"].post(_withdraw(nomination)).status_code == 403
    assert clients["secretary_a"].get(_withdraw(nomination)).status_code == 405
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED


def test_view_permissions(company, users, clients):
    _, offered = hc.open_campaign(company, users)
    nomination = hc.nominate(offered, users, company, branch="a")
    assert clients["secretary_b"].get(_url(nomination)).status_code == 404
    assert clients["staff"].get(_url(nomination)).status_code == 403
    assert clients["auditor"].get(_url(nomination)).status_code == 403
    assert clients["reviewer"].get(_url(nomination)).status_code == 200
