"""Nomination services (WORKFLOWS §4): window, scope, kind, quota, duplicates, evidence, withdrawal, the offer lock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction

from honors import services
from honors.models import (
    BranchQuota,
    Campaign,
    CampaignStatus,
    Nomination,
    NominationEvidence,
    NominationStatus,
    PostStatus,
    RecipientKind,
)
from honors.workflow import TransitionError
from portal.accounts.models import Role

from . import honors_support as hs
from . import projects_support as ps
from .factories import MemberFactory, OrgKind, UserFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _open(company, users, **make):
    return hs.make_campaign(company, users, status=CampaignStatus.NOMINATING, **make)


def test_it_nominates_a_member_of_the_branch_with_evidence(company, users):
    offer = hs.offer_of(_open(company, users))
    in_group = MemberFactory(organization=company.group_a1)
    nomination = hs.nominate(
        offer, users, candidate=in_group, organization=company.branch_a, evidence=[hs.pdf_upload(), hs.png_upload()]
    )
    assert (nomination.status, nomination.recipient_kind, nomination.member, nomination.organization) == (
        NominationStatus.NOMINATED,
        RecipientKind.MEMBER,
        in_group,
        company.branch_a,
    )
    assert list(nomination.evidence.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]


# --- quota ------------------------------------------------------------------------------------------


def test_it_refuses_a_nomination_over_the_default_quota_and_saves_nothing(company, users):
    offer = hs.offer_of(_open(company, users))  # one per branch
    hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    second = MemberFactory(organization=company.branch_a)
    with pytest.raises(ValidationError, match="at most 1 for “优秀共产党员” and has used them all"):
        hs.nominate(offer, users, candidate=second, organization=company.branch_a, evidence=[hs.pdf_upload()])
    assert Nomination.objects.count() == 1
    assert not NominationEvidence.objects.exists()
    # The quota is per branch: branch B still has its place.
    hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)


def test_it_applies_a_branch_quota_override(company, users):
    campaign = hs.make_campaign(company, users)
    offer = hs.offer_of(campaign)
    admin = users["committee_admin"]
    services.branch_quota_set(offer=offer, by=admin, organization=company.branch_a, quota=2)
    services.branch_quota_set(offer=offer, by=admin, organization=company.branch_b, quota=0)
    services.campaign_transition(campaign=campaign, action="open", by=admin)
    people = [company.member_a, *MemberFactory.create_batch(2, organization=company.branch_a)]
    hs.nominate(offer, users, candidate=people[0], organization=company.branch_a)
    hs.nominate(offer, users, candidate=people[1], organization=company.branch_a)
    with pytest.raises(ValidationError, match="at most 2"):
        hs.nominate(offer, users, candidate=people[2], organization=company.branch_a)
    with pytest.raises(ValidationError, match="at most 0"):
        hs.nominate(offer, users, candidate=company.member_b, organization=company.branch_b)
    assert Nomination.objects.count() == 2
    assert BranchQuota.objects.count() == 2


def test_it_gives_the_place_back_when_a_nomination_is_withdrawn(company, users):
    offer = hs.offer_of(_open(company, users))
    first = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    services.nomination_withdraw(nomination=first, by=users["secretary_a"])
    other = MemberFactory(organization=company.branch_a)
    assert (
        hs.nominate(offer, users, candidate=other, organization=company.branch_a).status == NominationStatus.NOMINATED
    )


def test_it_refuses_the_second_of_two_nominations_for_the_last_place(company, users):
    offer = hs.offer_of(_open(company, users))
    deputy = UserFactory(role=Role.SECRETARY, scope=company.branch_a)
    services.nomination_create(
        offer=offer,
        by=users["secretary_a"],
        organization=company.branch_a,
        candidate=company.member_a,
        citation=hs.CITATION,
    )
    with pytest.raises(ValidationError, match="has used them all"):
        services.nomination_create(
            offer=offer,
            by=deputy,
            organization=company.branch_a,
            candidate=MemberFactory(organization=company.branch_a),
            citation=hs.CITATION,
        )
    assert Nomination.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_holds_the_offer_lock_while_a_nomination_is_being_made(company, users):
    """Two secretaries of branch A, one place left: the second waits on the offer row lock and, once the
    first commits, is refused. Without the lock both would count 0 used places and both would be saved."""
    offer = hs.offer_of(_open(company, users))
    deputy = UserFactory(role=Role.SECRETARY, scope=company.branch_a)
    rival_candidate = MemberFactory(organization=company.branch_a)
    outcome: dict[str, object] = {}

    def rival():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            services.nomination_create(
                offer=offer,
                by=deputy,
                organization=company.branch_a,
                candidate=rival_candidate,
                citation=hs.CITATION,
            )
            outcome["result"] = "saved"
        except Exception as error:  # noqa: BLE001 - the test inspects what the rival got
            outcome["result"] = error
        finally:
            connection.close()

    with transaction.atomic():
        services.nomination_create(
            offer=offer,
            by=users["secretary_a"],
            organization=company.branch_a,
            candidate=company.member_a,
            citation=hs.CITATION,
        )
        thread = threading.Thread(target=rival)
        thread.start()
        thread.join()
    assert isinstance(outcome["result"], OperationalError), f"the rival was not kept out: {outcome['result']!r}"
    assert "lock timeout" in str(outcome["result"])

    # Once the first nomination is committed, the rival is refused by the quota.
    thread = threading.Thread(target=rival)
    thread.start()
    thread.join()
    assert isinstance(outcome["result"], ValidationError)
    assert list(Nomination.objects.values_list("member", flat=True)) == [company.member_a.pk]


# --- window and campaign state ------------------------------------------------------------------------


def test_it_refuses_a_nomination_before_the_window_opens(company, users):
    campaign = _open(company, users, nomination_opens_on=hs.today() + dt.timedelta(days=1))
    with pytest.raises(TransitionError, match="Nominations are accepted from"):
        hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    assert not Nomination.objects.exists()


def test_it_refuses_a_nomination_after_the_window_closed(company, users):
    campaign = _open(company, users)
    Campaign.objects.filter(pk=campaign.pk).update(
        nomination_opens_on=hs.today() - dt.timedelta(days=10), nomination_closes_on=hs.today() - dt.timedelta(days=1)
    )
    with pytest.raises(TransitionError, match="Nominations are accepted from"):
        hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    assert not Nomination.objects.exists()


def test_it_accepts_a_nomination_on_the_closing_day(company, users):
    campaign = _open(company, users)
    Campaign.objects.filter(pk=campaign.pk).update(nomination_closes_on=hs.today())
    hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.JUDGING])
def test_it_refuses_a_nomination_when_the_campaign_is_not_nominating(company, users, status):
    campaign = hs.make_campaign(company, users, status=status)
    with pytest.raises(TransitionError, match="nominations are not accepted"):
        hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    assert not Nomination.objects.exists()


# --- who nominates whom -----------------------------------------------------------------------------


def test_it_refuses_a_candidate_outside_the_branch(company, users):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(ValidationError, match="not in your branch"):
        services.nomination_create(
            offer=offer,
            by=users["secretary_a"],
            organization=company.branch_a,
            candidate=company.member_b,
            citation=hs.CITATION,
        )
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("who", ["secretary_a", "reviewer", "committee_admin"])
def test_it_refuses_a_nomination_in_the_name_of_another_branch(company, users, who):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(TransitionError, match="made by the secretary of the nominating branch"):
        services.nomination_create(
            offer=offer, by=users[who], organization=company.branch_b, candidate=company.member_b, citation=hs.CITATION
        )
    assert not Nomination.objects.exists()


def test_it_refuses_a_party_group_as_the_nominating_organization(company, users):
    offer = hs.offer_of(_open(company, users))
    member = MemberFactory(organization=company.group_a1)
    with pytest.raises(ValidationError, match="Only branches under the campaign's committee"):
        services.nomination_create(
            offer=offer, by=users["secretary_a"], organization=company.group_a1, candidate=member, citation=hs.CITATION
        )


def test_it_refuses_a_branch_outside_the_campaigns_committee(company, users):
    campaign = _open(company, users, organization=company.general)
    elsewhere = make_org("丙党支部", OrgKind.BRANCH, company.committee, code="B0C")
    secretary = UserFactory(role=Role.SECRETARY, scope=elsewhere)
    person = MemberFactory(organization=elsewhere)
    with pytest.raises(ValidationError, match="Only branches under the campaign's committee"):
        services.nomination_create(
            offer=hs.offer_of(campaign), by=secretary, organization=elsewhere, candidate=person, citation=hs.CITATION
        )


def test_it_refuses_a_deactivated_branch(company, users):
    offer = hs.offer_of(_open(company, users))
    company.branch_a.is_active = False
    company.branch_a.save(update_fields=["is_active"])
    with pytest.raises(TransitionError, match="made by the secretary"):
        hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)


@pytest.mark.parametrize("candidate", ["branch", "post"])
def test_it_refuses_a_candidate_of_the_wrong_kind(company, users, candidate):
    offer = hs.offer_of(_open(company, users))
    obj = company.branch_a if candidate == "branch" else hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(ValidationError, match="This award goes to: Person"):
        hs.nominate(offer, users, candidate=obj, organization=company.branch_a)
    assert not Nomination.objects.exists()


def test_it_refuses_a_duplicate_and_allows_it_again_after_withdrawal(company, users):
    offer = hs.offer_of(_open(company, users, offers={hs.MEMBER_AWARD: (5, 3)}))
    first = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    with pytest.raises(ValidationError, match="already nominated for this award"):
        hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    assert Nomination.objects.count() == 1
    services.nomination_withdraw(nomination=first, by=users["secretary_a"])
    again = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    assert again.pk != first.pk
    assert list(Nomination.objects.order_by("pk").values_list("status", flat=True)) == [
        NominationStatus.WITHDRAWN,
        NominationStatus.NOMINATED,
    ]


def test_it_allows_the_same_person_for_another_award(company, users):
    campaign = _open(company, users, offers={hs.MEMBER_AWARD: (2, 1), hs.WORKER_AWARD: (2, 1)})
    hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    hs.nominate(
        hs.offer_of(campaign, hs.WORKER_AWARD), users, candidate=company.member_a, organization=company.branch_a
    )
    assert Nomination.objects.count() == 2


@pytest.mark.parametrize("change", [{"is_active": False}, {"on_duty": False}], ids=["inactive", "off_duty"])
def test_it_refuses_a_person_who_is_inactive_or_off_duty(company, users, change):
    offer = hs.offer_of(_open(company, users))
    person = MemberFactory(organization=company.branch_a, **change)
    with pytest.raises(ValidationError, match="not an active, on-duty person"):
        hs.nominate(offer, users, candidate=person, organization=company.branch_a)
    assert not Nomination.objects.exists()


def test_it_takes_branches_of_its_own_scope_for_an_organization_award(company, users):
    offer = hs.offer_of(_open(company, users, offers={hs.BRANCH_AWARD: (2, 1)}), hs.BRANCH_AWARD)
    with pytest.raises(ValidationError, match="not in your branch"):
        hs.nominate(offer, users, candidate=company.branch_b, organization=company.branch_a)
    nomination = hs.nominate(offer, users, candidate=company.branch_a, organization=company.branch_a)
    assert nomination.branch == company.branch_a


def test_it_refuses_a_project_that_is_not_published(company, users):
    offer = hs.offer_of(_open(company, users, offers={hs.PROJECT_AWARD: (2, 2)}), hs.PROJECT_AWARD)
    with pytest.raises(ValidationError, match="Only approved projects"):
        hs.nominate(offer, users, candidate=ps.draft(company, users), organization=company.branch_a)
    assert not Nomination.objects.exists()
    published = ps.approved(company, users, title="另一个项目")
    assert hs.nominate(offer, users, candidate=published, organization=company.branch_a).project == published


def test_it_refuses_a_post_that_is_only_applied_for(company, users):
    offer = hs.offer_of(_open(company, users, offers={hs.POST_AWARD: (2, 2)}), hs.POST_AWARD)
    with pytest.raises(ValidationError, match="Only posts being built or titled"):
        hs.nominate(offer, users, candidate=hs.make_post(company, users), organization=company.branch_a)
    assert not Nomination.objects.exists()
    building = hs.make_post(company, users, status=PostStatus.BUILDING, name="另一岗")
    assert hs.nominate(offer, users, candidate=building, organization=company.branch_a).post == building


@pytest.mark.parametrize(("citation", "message"), [("太短了", "at least 20"), ("长" * 5001, "too long")])
def test_it_refuses_a_citation_too_short_or_too_long(company, users, citation, message):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(ValidationError, match=message):
        hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a, citation=citation)
    assert not Nomination.objects.exists()


def test_it_refuses_a_citation_padded_with_spaces(company, users):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(ValidationError, match="at least 20"):
        hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a, citation=" 短 " + " " * 40)


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile("事迹.pdf", b"just some text, not a PDF", content_type="application/pdf"),
        lambda: SimpleUploadedFile("事迹.html", b"<script>alert(1)</script>", content_type="text/html"),
        hs.forged_upload,
    ],
    ids=["text-as-pdf", "html", "text-as-jpg"],
)
def test_it_refuses_forged_evidence_and_leaves_no_nomination(company, users, upload):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(ValidationError):
        hs.nominate(
            offer,
            users,
            candidate=company.member_a,
            organization=company.branch_a,
            evidence=[hs.pdf_upload(), upload()],
        )
    assert not Nomination.objects.exists()
    assert not NominationEvidence.objects.exists()
    # Nothing half-saved: the branch's place is still free.
    hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)


# --- withdrawal ---------------------------------------------------------------------------------------


def test_it_refuses_a_withdrawal_by_another_branch(company, users):
    offer = hs.offer_of(_open(company, users))
    nomination = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    with pytest.raises(TransitionError, match="withdrawn by the branch that made it"):
        services.nomination_withdraw(nomination=nomination, by=users["secretary_b"])
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED


def test_it_refuses_a_withdrawal_after_nominations_close(company, users):
    campaign = _open(company, users)
    nomination = hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    hs.close(campaign, users)
    with pytest.raises(TransitionError, match="only while nominations are open"):
        services.nomination_withdraw(nomination=nomination, by=users["secretary_a"])


def test_it_refuses_to_withdraw_twice(company, users):
    offer = hs.offer_of(_open(company, users))
    nomination = hs.nominate(offer, users, candidate=company.member_a, organization=company.branch_a)
    services.nomination_withdraw(nomination=nomination, by=users["secretary_a"])
    with pytest.raises(TransitionError, match="only while nominations are open"):
        services.nomination_withdraw(nomination=nomination, by=users["secretary_a"])


# --- database constraints (when the service is bypassed) -------------------------------------------------


def _raw(offer, users, **fields) -> Nomination:
    data = {
        "offer": offer,
        "organization": offer.campaign.organization,
        "recipient_kind": RecipientKind.MEMBER,
        "citation": hs.CITATION,
        "nominated_by": users["secretary_a"],
    }
    data.update(fields)
    return Nomination.objects.create(**data)


def test_the_database_allows_one_live_nomination_per_candidate_and_offer(company, users):
    offer = hs.offer_of(_open(company, users))
    first = _raw(offer, users, member=company.member_a)
    with pytest.raises(IntegrityError, match="honors_nomination_once_member"), transaction.atomic():
        _raw(offer, users, member=company.member_a)
    Nomination.objects.filter(pk=first.pk).update(status=NominationStatus.WITHDRAWN)
    _raw(offer, users, member=company.member_a)  # a withdrawn one does not count
    assert Nomination.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"recipient_kind": RecipientKind.MEMBER},
        {"recipient_kind": RecipientKind.MEMBER, "branch_id": "branch_a"},
        {"recipient_kind": RecipientKind.BRANCH, "member_id": "member_a"},
        {"recipient_kind": RecipientKind.MEMBER, "member_id": "member_a", "branch_id": "branch_a"},
    ],
    ids=["none", "wrong-field", "wrong-field-2", "two"],
)
def test_the_database_requires_exactly_the_recipient_of_the_kind(company, users, fields):
    offer = hs.offer_of(_open(company, users))
    fields = {k: getattr(company, v).pk if k.endswith("_id") else v for k, v in fields.items()}
    with pytest.raises(IntegrityError, match="honors_nomination_one_recipient"), transaction.atomic():
        _raw(offer, users, **fields)


def test_the_database_gives_the_top_grade_to_winners_only(company, users):
    offer = hs.offer_of(_open(company, users))
    with pytest.raises(IntegrityError, match="honors_nomination_top_is_winner"), transaction.atomic():
        _raw(offer, users, member=company.member_a, is_top_grade=True)
