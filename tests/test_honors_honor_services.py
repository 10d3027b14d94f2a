"""Honour services: external honours with a certificate image, revocation, and the one-recipient constraint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from honors import services
from honors.models import Honor, HonorSource, Level, PostStatus, RecipientKind
from honors.workflow import TransitionError
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from . import honors_support as hs
from . import projects_support as ps
from .factories import MemberFactory, OrgKind, UserFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_it_enters_an_external_honour_with_a_png_certificate(company, users, _media):
    honor = hs.make_external_honor(company, users, certificate=hs.png_upload("省级证书.png"))
    honor.refresh_from_db()
    assert (honor.source, honor.recipient_kind, honor.member, honor.organization) == (
        HonorSource.EXTERNAL,
        RecipientKind.MEMBER,
        company.member_a,
        company.branch_a,
    )
    assert (honor.level, honor.title, honor.is_active) == (Level.PROVINCIAL, "省级优秀共产党员", True)
    assert (honor.certificate_name, honor.certificate_type) == ("省级证书.png", "image/png")
    assert honor.certificate.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "省级证书" not in honor.certificate.name, "stored under a random name"
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(honor.pk)).exists()


def test_it_enters_an_honour_without_a_certificate(company, users):
    honor = hs.make_external_honor(company, users)
    assert not honor.certificate


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (hs.forged_upload, "not an accepted file type"),
        (hs.pdf_upload, "must be an image"),
        (lambda: SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n" + b"not really" * 20), "not a readable image"),
    ],
    ids=["text-named-jpg", "pdf", "png-signature-then-junk"],
)
def test_it_refuses_a_certificate_that_is_not_an_image_and_saves_nothing(company, users, _media, upload, message):
    with pytest.raises(ValidationError, match=message):
        hs.make_external_honor(company, users, certificate=upload())
    assert not Honor.objects.exists()
    assert _stored_files(_media) == []


def test_it_refuses_a_recipient_outside_the_admins_scope(company, users):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    with pytest.raises(TransitionError, match="in its scope"):
        services.honor_create_external(by=admin_b, data=hs.honor_data(company), certificate=hs.png_upload())
    assert not Honor.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "secretary_a", "sysadmin"])
def test_it_refuses_an_honour_entered_by_anyone_but_the_committee_office(company, users, who):
    with pytest.raises(TransitionError, match="entered by the committee office"):
        services.honor_create_external(by=users[who], data=hs.honor_data(company))
    assert not Honor.objects.exists()


def test_it_refuses_a_date_in_the_future(company, users):
    tomorrow = hs.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        hs.make_external_honor(company, users, granted_on=tomorrow, year=tomorrow.year)
    assert not Honor.objects.exists()


def test_it_refuses_a_year_that_does_not_match_the_date(company, users):
    with pytest.raises(ValidationError, match="does not match the date"):
        hs.make_external_honor(company, users, granted_on=dt.date(2020, 7, 1), year=2021)


@pytest.mark.parametrize(
    "overrides",
    [{"recipient_kind": "alien"}, {"recipient_kind": RecipientKind.MEMBER, "member": None}],
    ids=["unknown-kind", "no-recipient"],
)
def test_it_refuses_an_honour_without_a_recipient(company, users, overrides):
    with pytest.raises(ValidationError, match="Choose who received the honour"):
        hs.make_external_honor(company, users, **overrides)


@pytest.mark.parametrize("missing", ["title", "granted_by", "level"])
def test_it_refuses_an_honour_without_its_required_fields(company, users, missing):
    with pytest.raises(ValidationError):
        hs.make_external_honor(company, users, **{missing: ""})
    assert not Honor.objects.exists()


def test_it_files_an_organization_honour_under_the_organization(company, users):
    honor = hs.make_external_honor(
        company,
        users,
        recipient_kind=RecipientKind.BRANCH,
        member=None,
        branch=company.branch_b,
        title="省级先进党组织",
    )
    assert (honor.branch, honor.organization, honor.member) == (company.branch_b, company.branch_b, None)


def test_it_files_project_and_post_honours_under_their_branch(company, users):
    project = ps.approved(company, users)
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    on_project = hs.make_external_honor(
        company, users, recipient_kind=RecipientKind.PROJECT, member=None, project=project
    )
    on_post = hs.make_external_honor(company, users, recipient_kind=RecipientKind.POST, member=None, post=post)
    assert (on_project.organization, on_post.organization) == (company.branch_a, company.branch_a)


def test_it_refuses_a_recipient_of_another_company(company, users):
    other = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    stranger = MemberFactory(organization=other)
    with pytest.raises(TransitionError):
        hs.make_external_honor(company, users, member=stranger)


# --- revocation ---------------------------------------------------------------------------------------


def test_it_revokes_with_a_reason(company, users):
    honor = hs.make_external_honor(company, users)
    services.honor_revoke(honor=honor, by=users["committee_admin"], reason="  证书系伪造  ")
    honor.refresh_from_db()
    assert (honor.is_active, honor.revoked_reason) == (False, "证书系伪造")
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE, object_id=str(honor.pk)).exists()


def test_it_refuses_a_revocation_without_a_reason(company, users):
    honor = hs.make_external_honor(company, users)
    with pytest.raises(ValidationError, match="give a reason"):
        services.honor_revoke(honor=honor, by=users["committee_admin"], reason="   ")
    honor.refresh_from_db()
    assert honor.is_active


def test_it_refuses_to_revoke_twice(company, users):
    honor = hs.make_external_honor(company, users)
    services.honor_revoke(honor=honor, by=users["committee_admin"], reason="撤销")
    with pytest.raises(TransitionError, match="already revoked"):
        services.honor_revoke(honor=honor, by=users["committee_admin"], reason="again")
    honor.refresh_from_db()
    assert honor.revoked_reason == "撤销"


@pytest.mark.parametrize("who", ["reviewer", "secretary_a", "auditor"])
def test_it_refuses_a_revocation_by_anyone_but_the_committee_office(company, users, who):
    honor = hs.make_external_honor(company, users)
    with pytest.raises(TransitionError, match="revoked by the committee office"):
        services.honor_revoke(honor=honor, by=users[who], reason="撤销")
    honor.refresh_from_db()
    assert honor.is_active


def test_it_refuses_a_revocation_out_of_scope(company, users):
    honor = hs.make_external_honor(company, users)
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    with pytest.raises(TransitionError):
        services.honor_revoke(honor=honor, by=admin_b, reason="撤销")


# --- the database: exactly one recipient -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"recipient_kind": RecipientKind.MEMBER},
        {"recipient_kind": RecipientKind.MEMBER, "member": "member_a", "branch": "branch_a"},
        {"recipient_kind": RecipientKind.BRANCH, "member": "member_a"},
    ],
    ids=["none", "two", "wrong-field"],
)
def test_the_database_requires_exactly_the_recipient_of_the_kind(company, users, fields):
    data = {
        "title": "荣誉",
        "level": Level.COMPANY,
        "year": 2026,
        "granted_by": "党委",
        "source": HonorSource.EXTERNAL,
        "organization": company.branch_a,
        "created_by": users["committee_admin"],
    }
    data.update({k: getattr(company, v) if k != "recipient_kind" else v for k, v in fields.items()})
    with pytest.raises(IntegrityError, match="honors_honor_one_recipient"), transaction.atomic():
        Honor.objects.create(**data)


def test_the_database_refuses_a_quarter_outside_one_to_four(company, users):
    honor = hs.make_external_honor(company, users)
    with pytest.raises(IntegrityError, match="honors_honor_quarter"), transaction.atomic():
        Honor.objects.filter(pk=honor.pk).update(quarter=5)
