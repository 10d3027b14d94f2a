"""Permission matrix of the branch-secretary project URLs (ROLES.md): URL × role → status, for branch A's objects.

Same conventions as tests/test_permission_matrix.py: ``LOGIN`` is a 302 to the login page, ``DONE`` a 302
elsewhere (the step was taken, or the page explains why not and goes back to the project), 403 is audited,
404 means the object lies outside what the user may see (another branch's draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from projects import services

from . import projects_support as ps

LOGIN, DONE = "login", "done"
GET, POST = "GET", "POST"
ROLES = ("visitor", "staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")


@dataclass(frozen=True)
class Row:
    url: str
    obj: str | None
    method: str
    expected: tuple

    def __post_init__(self) -> None:
        assert len(self.expected) == len(ROLES)


# fmt: off
MATRIX = [
    #   URL name                          object           method visitor staff secr_a secr_b reviewer committee sysadmin auditor
    Row("projects:list",                  None,            GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("projects:create",                None,            GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("projects:export",                None,            GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("projects:result_export",         None,            GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("projects:member_search",         None,            GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("projects:plan_list",             None,            GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("projects:plan_create",           None,            GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("projects:detail",                "draft",         GET,  (LOGIN, 404,  200,   404,   200,     200,      403,     403)),
    Row("projects:detail",                "approved",      GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("projects:edit",                  "draft",         GET,  (LOGIN, 403,  200,   404,   403,     403,      403,     403)),
    Row("projects:edit",                  "submitted",     GET,  (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    Row("projects:edit",                  "approved",      GET,  (LOGIN, 403,  DONE,  403,   403,     403,      403,     403)),
    Row("projects:submit",                "draft",         GET,  (LOGIN, 405,  405,   405,   405,     405,      405,     405)),
    Row("projects:submit",                "draft",         POST, (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    Row("projects:print",                 "draft",         GET,  (LOGIN, 404,  200,   404,   200,     200,      403,     403)),
    Row("projects:print",                 "approved",      GET,  (LOGIN, 403,  200,   403,   200,     200,      403,     403)),
    Row("projects:report_create",         "running",       GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("projects:report_create",         "draft",         GET,  (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    Row("projects:result_create",         "running",       GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("projects:completion_request",    "running",       GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("projects:completion_request",    "draft",         GET,  (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    Row("projects:extension_request",     "running",       GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("projects:attachment_upload",     "draft",         GET,  (LOGIN, 403,  200,   404,   403,     403,      403,     403)),
    Row("projects:attachment_upload",     "approved",      GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("projects:attachment_download",   "draft_file",    GET,  (LOGIN, 404,  200,   404,   200,     200,      403,     403)),
    Row("projects:attachment_download",   "approved_file", GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
]
# fmt: on

SECRETARY_URL_NAMES = (
    "list",
    "create",
    "export",
    "result_export",
    "member_search",
    "plan_list",
    "plan_create",
    "attachment_download",
    "detail",
    "edit",
    "submit",
    "print",
    "report_create",
    "result_create",
    "completion_request",
    "extension_request",
    "attachment_upload",
)


def _with_file(project, users):
    upload = SimpleUploadedFile("申报书.pdf", ps.pdf_bytes(), content_type="application/pdf")
    return services.attachment_add(project=project, by=users["secretary_a"], upload=upload)


BUILDERS = {
    "draft": ps.draft,
    "submitted": ps.submitted,
    "approved": ps.approved,
    "running": ps.in_progress,
    "draft_file": lambda company, users: _with_file(ps.draft(company, users), users),
    "approved_file": lambda company, users: _with_file(ps.approved(company, users), users),
}


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


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    obj = BUILDERS[row.obj](company, users) if row.obj else None
    url = reverse(row.url, args=[obj.pk] if obj is not None else [])
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    client = clients[role]
    response = client.post(url) if row.method == POST else client.get(url)

    assert _outcome(response) == expected
    if expected == 403:
        assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == denied_before + 1


def test_it_covers_every_branch_secretary_url():
    from .test_permission_matrix import _named_urls

    mine = {name for name in _named_urls() if name in {f"projects:{n}" for n in SECRETARY_URL_NAMES}}
    assert mine == {row.url for row in MATRIX}
    assert mine == {f"projects:{n}" for n in SECRETARY_URL_NAMES}
