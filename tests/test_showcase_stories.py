"""The committee office's story editor: create, edit (sanitized), images (checked, thumbnail once), publish."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event
from portal.showcase import images, services
from portal.showcase.models import Story, StoryImage

from . import showcase_support as ss
from .conftest import client_for
from .factories import UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ss.clear_cache()


def _form(company, **overrides):
    data = {
        "title": "焊接团队的故事",
        "summary": "摘要",
        "body": '<p onclick="x()">正文<script>alert(1)</script></p><a href="javascript:alert(1)">链接</a>',
        "organization": str(company.branch_a.pk),
        "project_number": "",
        "post": "",
    }
    data.update(overrides)
    return data


def test_it_lists_drafts_and_published_stories_to_the_committee(clients, company, users):
    ss.story(company, users, title="已发布")
    ss.story(company, users, title="草稿", publish=False)
    html = clients["committee_admin"].get(reverse("showcase:story_list")).content.decode()
    assert "已发布" in html and "草稿" in html
    assert clients["secretary_a"].get(reverse("showcase:story_list")).status_code == 403


def test_it_creates_a_sanitized_draft_with_an_audit_row(clients, company):
    response = clients["committee_admin"].post(reverse("showcase:story_create"), _form(company))

    story = Story.objects.get()
    assert response["Location"] == reverse("showcase:story_edit", args=[story.pk])
    assert story.body == '<p>正文</p><a rel="noopener noreferrer">链接</a>'
    assert not story.is_published
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(story.pk)).exists()


def test_it_links_a_project_by_its_number(clients, company, users):
    project = ss.published_project(company, users, photo=False, result=False)
    clients["committee_admin"].post(reverse("showcase:story_create"), _form(company, project_number=project.number))
    assert Story.objects.get().project == project


def test_it_refuses_an_unknown_project_number(clients, company):
    response = clients["committee_admin"].post(reverse("showcase:story_create"), _form(company, project_number="X"))
    assert response.status_code == 200
    assert not Story.objects.exists()


def test_it_edits_and_sanitizes_again(clients, company, users):
    story = ss.story(company, users, publish=False)
    url = reverse("showcase:story_edit", args=[story.pk])
    assert clients["committee_admin"].get(url).status_code == 200
    body = '<h2>标题</h2><img src="https://evil.example/x.png"><img src="/showcase/images/1/">'
    clients["committee_admin"].post(url, _form(company, title="新标题", body=body))
    story.refresh_from_db()
    assert story.title == "新标题"
    assert story.body == '<h2>标题</h2><img src="/showcase/images/1/">'


def test_it_publishes_and_withdraws_a_story(clients, company, users):
    story = ss.story(company, users, publish=False)
    url = reverse("showcase:story_publish", args=[story.pk])
    clients["committee_admin"].post(url, {"public": "1"})
    story.refresh_from_db()
    assert story.is_published and story.published_at is not None
    assert clients["visitor"].get(reverse("showcase:story", args=[story.pk])).status_code == 200
    clients["committee_admin"].post(url, {"public": "0"})
    assert clients["visitor"].get(reverse("showcase:story", args=[story.pk])).status_code == 404


def test_it_keeps_other_scopes_out(company, users):
    story = ss.story(company, users, publish=False)
    other = client_for(UserFactory(username="admin_b", role=Role.COMMITTEE_ADMIN, scope=company.branch_b))
    assert other.get(reverse("showcase:story_edit", args=[story.pk])).status_code == 404
    assert other.post(reverse("showcase:story_publish", args=[story.pk]), {"public": "1"}).status_code == 404


def test_it_uploads_an_image_with_a_thumbnail_and_makes_it_the_cover(clients, company, users):
    story = ss.story(company, users, publish=False)
    response = clients["committee_admin"].post(
        reverse("showcase:story_image_upload", args=[story.pk]), {"file": ss.photo_upload(size=(1200, 800))}
    )
    assert response.status_code == 302
    image = StoryImage.objects.get()
    story.refresh_from_db()
    assert story.cover == image
    assert (image.width, image.height) == (1200, 800)
    with image.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (images.THUMB_WIDTH, 320)


def test_it_refuses_a_forged_image_and_saves_nothing(clients, company, users, settings):
    story = ss.story(company, users, publish=False)
    response = clients["committee_admin"].post(
        reverse("showcase:story_image_upload", args=[story.pk]), {"file": ss.forged_upload()}, follow=True
    )
    assert "not an accepted file type" in response.content.decode()
    assert not StoryImage.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_it_refuses_a_document_as_an_image(company, users):
    story = ss.story(company, users, publish=False)
    with pytest.raises(ValidationError, match="not an image"):
        services.story_image_add(story=story, by=users["committee_admin"], upload=ss.pdf_upload())
    assert not StoryImage.objects.exists()


def test_it_makes_thumbnails_once_on_upload_not_on_view(clients, company, users):
    story = ss.story(company, users)
    image = services.story_image_add(story=story, by=users["committee_admin"], upload=ss.photo_upload())
    url = reverse("showcase:image_thumb", args=[image.pk])
    with mock.patch.object(images.Image.Image, "resize", side_effect=AssertionError("resized on view")):
        first = clients["visitor"].get(url)
        second = clients["visitor"].get(url)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/jpeg"
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    image.refresh_from_db()
    assert StoryImage.objects.count() == 1


def test_it_serves_images_of_drafts_to_their_editors_only(clients, company, users):
    story = ss.story(company, users, publish=False)
    image = services.story_image_add(story=story, by=users["committee_admin"], upload=ss.photo_upload())
    for name in ("showcase:image", "showcase:image_thumb"):
        url = reverse(name, args=[image.pk])
        assert clients["visitor"].get(url).status_code == 404
        assert clients["staff"].get(url).status_code == 404
        assert clients["committee_admin"].get(url).status_code == 200
    services.story_publish(story=story, by=users["committee_admin"], publish=True)
    assert clients["visitor"].get(reverse("showcase:image", args=[image.pk])).status_code == 200


def test_it_shows_the_cover_and_inline_images_on_the_story_page(clients, company, users):
    story = ss.story(company, users, publish=False)
    image = services.story_image_add(story=story, by=users["committee_admin"], upload=ss.photo_upload())
    body = f'<p>看图</p><img src="/showcase/images/{image.pk}/" alt="现场">'
    services.story_update(story=story, by=users["committee_admin"], data={"body": body})
    services.story_publish(story=story, by=users["committee_admin"], publish=True)
    html = clients["visitor"].get(reverse("showcase:story", args=[story.pk])).content.decode()
    assert f'src="/showcase/images/{image.pk}/" alt="现场"' in html
    assert reverse("showcase:image", args=[image.pk]) in html


def test_it_lists_stories_in_a_constant_number_of_queries(company, users, clients):
    """The committee's story list: the same queries with 1 story as with 6 (drafts and published)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 5):
        for i in range(size):
            ss.story(company, users, title=f"事迹{len(counts)}-{i}", publish=i % 2 == 0)
        with CaptureQueriesContext(connection) as queries:
            response = clients["committee_admin"].get(reverse("showcase:story_list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries.captured_queries)
    assert Story.objects.count() == 6
