"""honors:activity_create — the branch records what its post did (活动记录), with photos checked by content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from honors.models import ActivityPhoto, PostActivity

from .honors_posts_support import building_post, make_post, png_upload, titled_post
from .projects_support import jpeg_bytes, pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(post) -> str:
    return reverse("honors:activity_create", args=[post.pk])


def _form(**overrides) -> dict:
    data = {"date": timezone.localdate().isoformat(), "title": "技术交流会", "description": "交流焊接经验"}
    data.update(overrides)
    return data


def test_it_records_an_activity_with_photos(company, users, clients):
    post = building_post(company, users)
    photos = [png_upload("a.png"), SimpleUploadedFile("b.jpg", jpeg_bytes(), content_type="image/jpeg")]
    response = clients["secretary_a"].post(_url(post), {**_form(), "photos": photos})
    assert response.status_code == 302 and response["Location"] == reverse("honors:post_detail", args=[post.pk])
    activity = PostActivity.objects.get(post=post)
    assert (activity.title, activity.created_by) == ("技术交流会", users["secretary_a"])
    assert sorted(p.content_type for p in activity.photos.all()) == ["image/jpeg", "image/png"]


def test_it_records_an_activity_of_a_titled_post_without_photos(company, users, clients):
    post = titled_post(company, users)
    assert clients["secretary_a"].post(_url(post), _form()).status_code == 302
    assert PostActivity.objects.filter(post=post).count() == 1 and not ActivityPhoto.objects.exists()


def test_it_refuses_a_text_file_named_like_an_image(company, users, clients):
    post = building_post(company, users)
    fake = SimpleUploadedFile("x.jpg", b"just some text, not a picture", content_type="image/jpeg")
    response = clients["secretary_a"].post(_url(post), {**_form(), "photos": [fake]})
    assert response.status_code == 200
    assert "“x.jpg” is not an accepted file type" in response.content.decode()
    assert not PostActivity.objects.exists() and not ActivityPhoto.objects.exists()


def test_it_refuses_a_forged_image(company, users, clients):
    post = building_post(company, users)
    forged = SimpleUploadedFile("y.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 20, content_type="image/jpeg")
    response = clients["secretary_a"].post(_url(post), {**_form(), "photos": [forged]})
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not PostActivity.objects.exists()


def test_it_refuses_a_document_as_a_photo(company, users, clients):
    post = building_post(company, users)
    pdf = SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")
    response = clients["secretary_a"].post(_url(post), {**_form(), "photos": [png_upload(), pdf]})
    assert response.status_code == 200
    assert "“report.pdf” is not an image; photos must be images." in response.content.decode()
    assert not PostActivity.objects.exists() and not ActivityPhoto.objects.exists()


def test_it_refuses_a_date_in_the_future(company, users, clients):
    post = building_post(company, users)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = clients["secretary_a"].post(_url(post), _form(date=tomorrow))
    assert "An activity cannot be recorded before it happens." in response.content.decode()
    assert not PostActivity.objects.exists()


def test_it_refuses_missing_fields(company, users, clients):
    post = building_post(company, users)
    response = clients["secretary_a"].post(_url(post), _form(title="", description=""))
    html = response.content.decode()
    assert "Give the activity a title." in html and "Describe what was done." in html
    assert not PostActivity.objects.exists()


def test_it_explains_that_an_application_takes_no_activities(company, users, clients):
    post = make_post(company, users)
    response = clients["secretary_a"].post(_url(post), _form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("honors:post_detail", args=[post.pk])
    assert "Activities are recorded while a post is being built or titled." in response.content.decode()
    assert not PostActivity.objects.exists()


def test_another_branch_gets_403_on_a_visible_post_and_404_on_an_application(company, users, clients):
    building = building_post(company, users, name="创建中")
    applied = make_post(company, users, name="申报中")
    assert clients["secretary_b"].post(_url(building), _form()).status_code == 403
    assert clients["secretary_b"].get(_url(applied)).status_code == 404
    assert not PostActivity.objects.exists()


@pytest.mark.parametrize("key", ["staff", "reviewer", "committee_admin", "auditor"])
def test_other_roles_get_403(company, users, clients, key):
    post = building_post(company, users)
    assert clients[key].post(_url(post), _form()).status_code == 403
    assert not PostActivity.objects.exists()
