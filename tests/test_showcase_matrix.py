"""Permission matrix of the showcase URLs: URL × role → status (conventions of tests/test_permission_matrix.py).

Public pages answer every role (visitors included) for published objects; a draft's images only to the
committee office in scope. The committee office's pages (stories, publish buttons) are the committee admin's.

Objects (built fresh for every case): ``project`` (a published project of branch A with a photo), ``photo``
(its photo), ``hidden_project`` (approved, not published), ``post`` (titled, not published), ``honor`` (an
external honour, not published), ``story`` (published) and ``draft_story``, ``image`` (an image of the
published story) and ``draft_image`` (an image of the draft), ``branch_a``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from portal.showcase import services as showcase
from portal.showcase.models import StoryImage

from . import showcase_support as ss

LOGIN, DONE = "login", "done"
GET, POST = "GET", "POST"
ROLES = ("visitor", "staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")
NO_GET = (LOGIN, 405, 405, 405, 405, 405, 405, 405)
EVERYONE = (200,) * 8
COMMITTEE = (LOGIN, 403, 403, 403, 403, 200, 403, 403)
COMMITTEE_POST = (LOGIN, 403, 403, 403, 403, DONE, 403, 403)


@dataclass(frozen=True)
class Row:
    url: str
    obj: str | None
    method: str
    expected: tuple
    data: tuple = ()

    def __post_init__(self) -> None:
        assert len(self.expected) == len(ROLES)


# fmt: off
MATRIX = [
    #   URL name                        object            method expected per role
    # public pages
    Row("showcase:home",                None,             GET,  EVERYONE),
    Row("showcase:gallery",             None,             GET,  EVERYONE),
    Row("showcase:project",             "project",        GET,  EVERYONE),
    Row("showcase:project",             "hidden_project", GET,  (404,) * 8),
    Row("showcase:project_photo",       "photo",          GET,  EVERYONE),
    Row("showcase:honours",             None,             GET,  EVERYONE),
    Row("showcase:posts",               None,             GET,  EVERYONE),
    Row("showcase:branch",              "branch_a",       GET,  EVERYONE),
    Row("showcase:stories",             None,             GET,  EVERYONE),
    Row("showcase:story",               "story",          GET,  EVERYONE),
    Row("showcase:story",               "draft_story",    GET,  (404,) * 8),
    Row("showcase:image",               "image",          GET,  EVERYONE),
    Row("showcase:image",               "draft_image",    GET,  (404, 404, 404, 404, 404, 200, 404, 404)),
    Row("showcase:image_thumb",         "image",          GET,  EVERYONE),
    Row("showcase:image_thumb",         "draft_image",    GET,  (404, 404, 404, 404, 404, 200, 404, 404)),
    # the committee office
    Row("showcase:story_list",          None,             GET,  COMMITTEE),
    Row("showcase:story_create",        None,             GET,  COMMITTEE),
    Row("showcase:story_edit",          "draft_story",    GET,  COMMITTEE),
    Row("showcase:story_publish",       "draft_story",    GET,  NO_GET),
    Row("showcase:story_publish",       "draft_story",    POST, COMMITTEE_POST, (("public", "1"),)),
    Row("showcase:story_image_upload",  "draft_story",    GET,  NO_GET),
    Row("showcase:story_image_upload",  "draft_story",    POST, COMMITTEE_POST, (("file", "PHOTO"),)),
    Row("showcase:project_publish",     "hidden_project", GET,  NO_GET),
    Row("showcase:project_publish",     "hidden_project", POST, COMMITTEE_POST, (("public", "1"),)),
    Row("showcase:post_publish",        "post",           GET,  NO_GET),
    Row("showcase:post_publish",        "post",           POST, COMMITTEE_POST, (("public", "1"),)),
    Row("showcase:honor_publish",       "honor",          GET,  NO_GET),
    Row("showcase:honor_publish",       "honor",          POST, COMMITTEE_POST, (("public", "1"),)),
]
# fmt: on


def _image(company, users, *, publish):
    story = ss.story(company, users, publish=False)
    image = showcase.story_image_add(story=story, by=users["committee_admin"], upload=ss.photo_upload())
    if publish:
        showcase.story_publish(story=story, by=users["committee_admin"], publish=True)
    return image


def _project(company, users):
    return ss.published_project(company, users, result=False)


BUILDERS = {
    "project": _project,
    "photo": lambda c, u: _project(c, u).attachments.get(),
    "hidden_project": lambda c, u: ss.published_project(c, u, public=False, photo=False, result=False),
    "post": lambda c, u: ss.published_post(c, u, public=False),
    "honor": lambda c, u: showcase.honor_set_public(honor=ss.honour(c, u), by=u["committee_admin"], public=False),
    "story": lambda c, u: ss.story(c, u),
    "draft_story": lambda c, u: ss.story(c, u, publish=False),
    "image": lambda c, u: _image(c, u, publish=True),
    "draft_image": lambda c, u: _image(c, u, publish=False),
    "branch_a": lambda c, u: c.branch_a,
}


def _changed(url: str, obj) -> bool:
    obj.refresh_from_db()
    if url == "showcase:story_publish":
        return obj.is_published
    if url == "showcase:story_image_upload":
        return StoryImage.objects.filter(story=obj).exists()
    return obj.is_public


def _outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    if urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return DONE


CASES = [
    pytest.param(row, role, expected, id=f"{row.method} {row.url} {row.obj or '-'} as {role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ss.clear_cache()


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    obj = BUILDERS[row.obj](company, users) if row.obj else None
    url = reverse(row.url, args=[obj.pk] if obj is not None else [])
    data = {k: (ss.photo_upload() if v == "PHOTO" else v) for k, v in row.data}
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    client = clients[role]
    response = client.post(url, data) if row.method == POST else client.get(url)

    got = _outcome(response)
    assert got == expected, f"{row.method} {url} as {role}: expected {expected}, got {got}"
    if expected == 403:
        refusals = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).order_by("-id")
        assert refusals.count() == denied_before + 1, "a refused action must be audited"
        assert refusals[0].username == role
    if row.method == POST:
        assert _changed(row.url, obj) is (expected == DONE), "a POST changes the object exactly when it is allowed"


def test_it_covers_every_showcase_url():
    from .test_permission_matrix import _named_urls

    mine = {name for name in _named_urls() if name.startswith("showcase:")}
    assert mine == {row.url for row in MATRIX}
