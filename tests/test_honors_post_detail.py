"""honors:post_detail and honors:photo_download — one post with its members, activities, assessments, log, honours."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from honors import services
from honors.models import ActivityPhoto

from .honors_posts_support import add_activity, building_post, full_marks, make_post, party_member, titled_post


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(post) -> str:
    return reverse("honors:post_detail", args=[post.pk])


def test_it_shows_the_application_to_its_branch(company, users, clients):
    helper = party_member(company, name="王助手")
    post = make_post(company, users, members=[helper], pledge="公开承诺内容", plan="创建方案内容")
    response = clients["secretary_a"].get(_url(post))
    html = response.content.decode()
    assert response.status_code == 200
    assert post.name in html and "Party member innovation demonstration post" in html
    assert 'data-status="applied"' in html
    assert "公开承诺内容" in html and "创建方案内容" in html
    assert html.count('data-testid="member"') == 2 and "王助手" in html
    assert 'data-testid="timeline-step"' in html and users["secretary_a"].get_full_name() in html
    assert reverse("honors:post_edit", args=[post.pk]) in html
    assert 'data-testid="decide-form"' not in html
    assert 'data-testid="action-activity"' not in html  # applications take no activities


def test_it_offers_the_reviewer_accept_and_reject(company, users, clients):
    post = make_post(company, users)
    html = clients["reviewer"].get(_url(post)).content.decode()
    assert reverse("honors:post_decide", args=[post.pk]) in html
    assert 'data-testid="decide-accept"' in html and 'data-testid="decide-reject"' in html
    assert 'data-testid="action-assess"' not in html
    assert 'data-testid="action-edit"' not in html


def test_it_offers_the_assessment_while_building_and_activities_to_the_branch(company, users, clients):
    post = building_post(company, users)
    reviewer_html = clients["reviewer"].get(_url(post)).content.decode()
    assert reverse("honors:post_assess", args=[post.pk]) in reviewer_html
    assert 'data-testid="decide-form"' not in reviewer_html
    secretary_html = clients["secretary_a"].get(_url(post)).content.decode()
    assert reverse("honors:activity_create", args=[post.pk]) in secretary_html
    assert reverse("honors:post_assess", args=[post.pk]) not in secretary_html


def test_it_shows_activities_with_thumbnails(company, users, clients):
    post = building_post(company, users)
    activity = add_activity(post, users, photos=2, title="技术交流会")
    html = clients["staff"].get(_url(post)).content.decode()
    assert "技术交流会" in html
    for photo in activity.photos.all():
        assert f'src="{reverse("honors:photo_download", args=[photo.pk])}"' in html


def test_it_shows_assessments_honours_and_the_log(company, users, clients):
    post = titled_post(company, users)
    html = clients["staff"].get(_url(post)).content.decode()
    assert 'data-testid="assessment-passed"' in html
    assert html.count('data-testid="assessment-scores"') == 1
    assert "创新成果" in html  # a criterion of the post rubric
    assert users["reviewer"].get_full_name() in html
    assert 'data-testid="honor"' in html and "党员创新示范岗" in html
    assert "Applied" in html and "Building" in html and "Titled" in html
    assert 'data-status="titled"' in html


def test_staff_see_visible_posts_but_not_applications(company, users, clients):
    applied = make_post(company, users, name="申报中")
    building = building_post(company, users, name="创建中")
    assert clients["staff"].get(_url(applied)).status_code == 404
    assert clients["staff"].get(_url(building)).status_code == 200


def test_another_branch_gets_404_on_an_application(company, users, clients):
    post = make_post(company, users)
    assert clients["secretary_b"].get(_url(post)).status_code == 404
    assert clients["reviewer"].get(_url(post)).status_code == 200


@pytest.mark.parametrize("key", ["sysadmin", "auditor"])
def test_roles_without_posts_get_403(company, users, clients, key):
    post = building_post(company, users)
    assert clients[key].get(_url(post)).status_code == 403


def _fail(post, users):
    services.post_assess(post=post, by=users["reviewer"], scores={pk: 1 for pk in full_marks()}, comments="继续创建")


def test_it_runs_a_constant_number_of_queries(company, users, clients, django_assert_num_queries):
    post = building_post(company, users, members=[party_member(company)])
    add_activity(post, users, photos=1)
    _fail(post, users)
    client = clients["reviewer"]
    client.get(_url(post))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(post))
    for i in range(4):
        add_activity(post, users, photos=3, title=f"活动{i}")
    more = [services.PostMemberEntry(party_member(company)) for _ in range(6)]
    services.post_update(
        post=post,
        by=users["secretary_a"],
        data={},
        members=[services.PostMemberEntry(company.member_a), *more],
        version=None,
    )
    _fail(post, users)
    _fail(post, users)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_url(post))
    assert len(response.context["activities"]) == 5 and len(response.context["assessments"]) == 3
    assert len(response.context["memberships"]) == 7


# --- photos -----------------------------------------------------------------------------------------------------


def _photo_url(photo) -> str:
    return reverse("honors:photo_download", args=[photo.pk])


def test_it_serves_a_photo_inline_with_nosniff(company, users, clients):
    post = building_post(company, users)
    photo = add_activity(post, users).photos.get()
    response = clients["staff"].get(_photo_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == photo.content_type == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_it_hides_photos_of_a_post_the_user_may_not_see(company, users, clients):
    post = titled_post(company, users)
    photo = add_activity(post, users).photos.get()
    services.post_assess(
        post=post,
        by=users["reviewer"],
        scores={pk: 0 for pk in full_marks()},
        comments="未履行承诺",
        year=timezone.localdate().year + 1,
    )  # the title is revoked: no longer visible to everyone
    assert clients["staff"].get(_photo_url(photo)).status_code == 404
    assert clients["secretary_b"].get(_photo_url(photo)).status_code == 404
    assert clients["secretary_a"].get(_photo_url(photo)).status_code == 200
    assert clients["auditor"].get(_photo_url(photo)).status_code == 403
    assert ActivityPhoto.objects.count() == 1
