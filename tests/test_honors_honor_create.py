"""honor_create: the committee office enters an external honour, with a certificate image checked by content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from honors.models import Honor, HonorSource, Level, PostStatus, RecipientKind
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import UserFactory
from .honors_support import forged_upload, make_post, pdf_upload, png_upload, today
from .projects_support import draft, in_progress

URL = reverse("honors:honor_create")

EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL).status_code == status


def test_it_audits_a_refusal(clients, company, users):
    clients["secretary_a"].get(URL)
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users["secretary_a"]).exists()


def form_data(company, **overrides) -> dict:
    data = {
        "title": "省级先进基层党组织",
        "level": Level.PROVINCIAL,
        "year": today().year,
        "quarter": "",
        "granted_by": "中共某省委",
        "granted_on": today().isoformat(),
        "recipient_kind": RecipientKind.MEMBER,
        "member": company.member_a.pk,
        "branch": "",
        "project": "",
        "post": "",
        "citation": "长期扎根一线",
    }
    data.update(overrides)
    return data


def test_it_enters_an_honour_with_its_certificate(clients, company, users):
    response = clients["committee_admin"].post(URL, {**form_data(company), "certificate": png_upload()})
    honor = Honor.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("honors:honor_detail", args=[honor.pk])
    assert honor.source == HonorSource.EXTERNAL and honor.member == company.member_a
    assert honor.organization == company.branch_a and honor.created_by == users["committee_admin"]
    assert honor.certificate and honor.certificate_type == "image/png" and honor.certificate_name == "证书.png"
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="honors.honor", object_id=str(honor.pk)).exists()


def test_it_enters_an_honour_without_a_certificate(clients, company):
    clients["committee_admin"].post(URL, form_data(company, quarter="3"))
    honor = Honor.objects.get()
    assert not honor.certificate and honor.quarter == 3


@pytest.mark.parametrize("upload", [forged_upload, lambda: pdf_upload("证书.jpg")], ids=["text", "pdf"])
def test_it_refuses_a_forged_certificate_and_saves_nothing(clients, company, upload):
    response = clients["committee_admin"].post(URL, {**form_data(company), "certificate": upload()})
    assert response.status_code == 400
    assert response.context["form"].errors["certificate"] == [
        "“证书.jpg” is not an image (its content was checked, not its name). "
        "The certificate must be a photo or scan: JPEG or PNG."
    ]
    assert Honor.objects.count() == 0
    assert 'data-testid="error-summary"' in response.content.decode()


def test_it_refuses_a_damaged_image_with_the_checks_own_message(clients, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, content_type="image/png")
    response = clients["committee_admin"].post(URL, {**form_data(company), "certificate": broken})
    assert response.status_code == 400
    assert "not a readable image" in response.context["form"].errors["certificate"][0]
    assert Honor.objects.count() == 0


def test_it_uses_only_the_list_of_the_chosen_kind(clients, company):
    """Without JavaScript every list is shown: a person left chosen does not count for an organization."""
    data = form_data(company, recipient_kind=RecipientKind.BRANCH, branch=company.branch_b.pk)
    clients["committee_admin"].post(URL, data)
    honor = Honor.objects.get()
    assert honor.recipient_kind == RecipientKind.BRANCH and honor.branch == company.branch_b
    assert honor.member is None and honor.organization == company.branch_b


def test_it_asks_for_the_recipient_of_the_chosen_kind(clients, company):
    response = clients["committee_admin"].post(URL, form_data(company, recipient_kind=RecipientKind.PROJECT))
    assert response.status_code == 400
    assert response.context["form"].errors["project"] == ["Choose who received the honour."]
    assert Honor.objects.count() == 0


def test_it_offers_projects_and_posts_of_its_scope_that_can_be_honoured(clients, company, users):
    running = in_progress(company, users, title="运行中的项目")
    draft(company, users, title="草稿项目")
    titled = make_post(company, users, status=PostStatus.TITLED, name="已命名岗")
    make_post(company, users, status=PostStatus.APPLIED, name="申请中岗")
    form = clients["committee_admin"].get(URL).context["form"]
    assert list(form.fields["project"].queryset) == [running]
    assert list(form.fields["post"].queryset) == [titled]
    response = clients["committee_admin"].post(
        URL, form_data(company, recipient_kind=RecipientKind.POST, member="", post=titled.pk, title="省级示范岗")
    )
    assert response.status_code == 302
    assert Honor.objects.filter(post=titled, source=HonorSource.EXTERNAL).exists()


def test_it_refuses_a_recipient_outside_the_scope(company):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    response = client_for(admin_b).post(URL, form_data(company))
    assert response.status_code == 400
    assert "member" in response.context["form"].errors
    assert Honor.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"year": today().year + 1, "granted_on": ""}, "year", "future"),
        ({"granted_on": (today() + dt.timedelta(days=2)).isoformat()}, "granted_on", "future"),
        ({"year": today().year - 3}, "year", "does not match"),
        ({"title": ""}, "title", "required"),
        ({"level": "cosmic"}, "level", "valid choice"),
        ({"quarter": "5"}, "quarter", "valid choice"),
    ],
)
def test_it_refuses_bad_input(clients, company, overrides, field, text):
    response = clients["committee_admin"].post(URL, form_data(company, **overrides))
    assert response.status_code == 400
    assert any(text in e for e in response.context["form"].errors[field])
    assert Honor.objects.count() == 0


def test_it_loads_the_recipient_switch_from_a_static_file(clients, company):
    body = clients["committee_admin"].get(URL).content.decode()
    assert 'src="/static/js/honor_form.js"' in body
    assert "data-recipient-switch" in body and body.count("data-recipient-kind=") == 4
