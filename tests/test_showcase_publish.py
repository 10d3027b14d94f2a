"""Publishing projects, posts and honours on the showcase: the committee office's, in scope, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event
from portal.showcase import services as showcase

from . import projects_support as ps
from . import showcase_support as ss
from .conftest import client_for
from .factories import UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ss.clear_cache()


@pytest.fixture
def objects(company, users):
    return {
        "project": ss.published_project(company, users, public=False, photo=False, result=False),
        "post": ss.published_post(company, users, public=False),
        "honor": showcase.honor_set_public(honor=ss.honour(company, users), by=users["committee_admin"], public=False),
    }


URLS = {"project": "showcase:project_publish", "post": "showcase:post_publish", "honor": "showcase:honor_publish"}
BACK = {"project": "projects:detail", "post": "honors:post_detail", "honor": "honors:honor_detail"}


@pytest.mark.parametrize("kind", ["project", "post", "honor"])
def test_it_publishes_and_unpublishes_with_an_audit_row(clients, users, objects, kind):
    obj = objects[kind]
    url = reverse(URLS[kind], args=[obj.pk])

    response = clients["committee_admin"].post(url, {"public": "1"})

    assert response["Location"] == reverse(BACK[kind], args=[obj.pk])
    obj.refresh_from_db()
    assert obj.is_public
    event = AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(obj.pk)).order_by("-id").first()
    assert event.detail["action"] == "publish"
    assert event.username == "committee_admin"

    clients["committee_admin"].post(url, {"public": "0"})
    obj.refresh_from_db()
    assert not obj.is_public


@pytest.mark.parametrize("kind", ["project", "post", "honor"])
def test_it_refuses_a_secretary_with_403(clients, objects, kind):
    obj = objects[kind]
    denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()
    response = clients["secretary_a"].post(reverse(URLS[kind], args=[obj.pk]), {"public": "1"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == denied + 1
    obj.refresh_from_db()
    assert not obj.is_public


@pytest.mark.parametrize("kind", ["project", "post", "honor"])
def test_it_answers_404_to_a_committee_admin_of_another_scope(company, objects, kind):
    other = client_for(UserFactory(username="admin_b", role=Role.COMMITTEE_ADMIN, scope=company.branch_b))
    obj = objects[kind]
    assert other.post(reverse(URLS[kind], args=[obj.pk]), {"public": "1"}).status_code == 404
    obj.refresh_from_db()
    assert not obj.is_public


def test_it_refuses_get(clients, objects):
    assert clients["committee_admin"].get(reverse(URLS["project"], args=[objects["project"].pk])).status_code == 405


def test_it_publishes_only_approved_projects(clients, company, users):
    draft = ps.submitted(company, users)
    response = clients["committee_admin"].post(reverse(URLS["project"], args=[draft.pk]), {"public": "1"}, follow=True)
    draft.refresh_from_db()
    assert not draft.is_public
    assert "Only approved projects" in response.content.decode()


def test_it_publishes_only_building_or_titled_posts(company, users):
    from . import honors_support as hs

    applied = hs.make_post(company, users)
    with pytest.raises(ValidationError):
        showcase.post_set_public(post=applied, by=users["committee_admin"], public=True)


def test_it_refuses_to_publish_a_revoked_honour(company, users, objects):
    from honors import services as honor_services

    honor = honor_services.honor_revoke(honor=objects["honor"], by=users["committee_admin"], reason="撤销")
    with pytest.raises(ValidationError):
        showcase.honor_set_public(honor=honor, by=users["committee_admin"], public=True)


@pytest.mark.parametrize("kind", ["project", "post", "honor"])
def test_it_shows_the_button_on_the_detail_page_to_the_committee_only(clients, objects, kind):
    url = reverse(BACK[kind], args=[objects[kind].pk])
    assert 'data-testid="action-publish"' in clients["committee_admin"].get(url).content.decode()
    assert 'data-testid="action-publish"' not in clients["secretary_a"].get(url).content.decode()
