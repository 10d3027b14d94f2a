"""honor_detail and certificate_download: every field, the certificate inline, links by permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors import services
from honors.models import Honor, HonorSource, NominationStatus

from .honors_support import (
    close,
    make_campaign,
    make_external_honor,
    nominate,
    offer_of,
    png_upload,
    publish,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(honor) -> str:
    return reverse("honors:honor_detail", args=[honor.pk])


def cert_url(honor) -> str:
    return reverse("honors:certificate_download", args=[honor.pk])


def campaign_honor(company, users) -> Honor:
    campaign = make_campaign(company, users, status="nominating")
    offer = offer_of(campaign)
    nomination = nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    close(campaign, users)
    campaign = publish(campaign, users, {offer: [nomination]})
    services.campaign_transition(campaign=campaign, action="finalize", by=users["committee_admin"], comment="会议决定")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WINNER
    return Honor.objects.select_related("nomination").get(nomination=nomination)


VALID = {
    "visitor": 302,
    "staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}

# A revoked honour is visible only within its scope.
REVOKED = {**VALID, "staff": 404, "secretary_b": 404}


@pytest.mark.parametrize(("role", "status"), VALID.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, users, role, status):
    honor = make_external_honor(company, users)
    assert clients[role].get(url(honor)).status_code == status


@pytest.mark.parametrize(("role", "status"), REVOKED.items())
def test_it_shows_a_revoked_honour_only_in_scope(clients, company, users, role, status):
    honor = make_external_honor(company, users)
    services.honor_revoke(honor=honor, by=users["committee_admin"], reason="材料不实")
    response = clients[role].get(url(honor))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-testid="revoked-note"' in body and "材料不实" in body
        assert 'data-testid="revoke-card"' not in body


def test_it_shows_every_field_and_the_certificate(clients, company, users):
    honor = make_external_honor(company, users, certificate=png_upload(), quarter=2, citation="扎根一线二十年")
    body = clients["staff"].get(url(honor)).content.decode()
    for text in (
        "省级优秀共产党员",
        "Provincial / ministerial",
        "中共某省委",
        "Q2",
        "张甲",
        "甲党支部",
        "扎根一线二十年",
    ):
        assert text in body
    assert honor.granted_on.isoformat() in body
    assert "Entered by hand" in body
    assert users["committee_admin"].full_name in body  # who entered it
    assert f'src="{cert_url(honor)}"' in body and "证书.png" in body
    assert 'data-testid="valid-badge"' in body


def test_it_links_the_recipient_where_the_user_may_go(clients, company, users):
    honor = make_external_honor(company, users)
    member_url = reverse("branches:member_detail", args=[company.member_a.pk])
    assert member_url in clients["secretary_a"].get(url(honor)).content.decode()
    assert member_url not in clients["staff"].get(url(honor)).content.decode()


def test_it_links_the_campaign_nomination_of_a_campaign_honour(clients, company, users):
    honor = campaign_honor(company, users)
    assert honor.source == HonorSource.CAMPAIGN
    nomination_url = reverse("honors:nomination_detail", args=[honor.nomination.pk])
    campaign_url = reverse("honors:campaign_detail", args=[honor.nomination.offer.campaign_id])
    for role in ("committee_admin", "secretary_a"):
        body = clients[role].get(url(honor)).content.decode()
        assert nomination_url in body and campaign_url in body
    staff = clients["staff"].get(url(honor)).content.decode()
    assert nomination_url not in staff and "七一表彰" in staff
    assert nomination_url not in clients["secretary_b"].get(url(honor)).content.decode()


@pytest.mark.parametrize(("role", "shown"), [("committee_admin", True), ("reviewer", False), ("secretary_a", False)])
def test_it_offers_the_revoke_form_to_the_committee_office(clients, company, users, role, shown):
    honor = make_external_honor(company, users)
    assert ('data-testid="revoke-card"' in clients[role].get(url(honor)).content.decode()) is shown


def test_it_serves_the_certificate_inline_and_unsniffed(clients, company, users):
    honor = make_external_honor(company, users, certificate=png_upload())
    response = clients["staff"].get(cert_url(honor))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("role", "status"), [("visitor", 302), ("sysadmin", 403), ("auditor", 403), ("staff", 404), ("secretary_a", 200)]
)
def test_it_guards_the_certificate_of_a_revoked_honour(clients, company, users, role, status):
    honor = make_external_honor(company, users, certificate=png_upload())
    services.honor_revoke(honor=honor, by=users["committee_admin"], reason="撤销")
    assert clients[role].get(cert_url(honor)).status_code == status


def test_it_answers_404_without_a_certificate_or_file(clients, company, users):
    bare = make_external_honor(company, users)
    assert clients["staff"].get(cert_url(bare)).status_code == 404
    honor = make_external_honor(company, users, certificate=png_upload(), member=company.member_b)
    honor.certificate.storage.delete(honor.certificate.name)
    assert clients["staff"].get(cert_url(honor)).status_code == 404
