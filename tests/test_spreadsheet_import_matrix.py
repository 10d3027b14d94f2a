"""Permission matrix of the import URLs (same conventions as tests/test_permission_matrix.py).

Roster keepers (branch secretaries, the committee office) open the import page and import people; only the
committee office imports organizations and projects. A run belongs to its uploader: another secretary gets
404; the committee office reads the runs of its scope but confirms only its own. Staff, reviewers, the
system admin and the auditor are refused (403, audited); visitors go to the login page.

Objects: ``run_a`` is a checked roster import by secretary A, ``run_admin`` one by the committee admin;
``organizations``/``members``/``projects`` are the template kinds. POST rows to ``imports:index`` upload a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from portal.spreadsheets import services
from portal.spreadsheets.models import ImportRun

from .spreadsheet_import_support import members_file, organizations_file, projects_file, upload

LOGIN = "login"
DONE = "done"
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
    #   URL name            object           method  visitor staff secr_a secr_b reviewer committee sysadmin auditor
    Row("imports:index",    None,            GET,   (LOGIN,  403,  200,   200,   403,     200,      403,     403)),
    Row("imports:index",    "organizations", POST,  (LOGIN,  403,  403,   403,   403,     DONE,     403,     403)),
    Row("imports:index",    "members",       POST,  (LOGIN,  403,  DONE,  DONE,  403,     DONE,     403,     403)),
    Row("imports:index",    "projects",      POST,  (LOGIN,  403,  403,   403,   403,     DONE,     403,     403)),
    Row("imports:template", "organizations", GET,   (LOGIN,  403,  403,   403,   403,     200,      403,     403)),
    Row("imports:template", "members",       GET,   (LOGIN,  403,  200,   200,   403,     200,      403,     403)),
    Row("imports:template", "projects",      GET,   (LOGIN,  403,  403,   403,   403,     200,      403,     403)),
    Row("imports:report",   "run_a",         GET,   (LOGIN,  403,  200,   404,   403,     200,      403,     403)),
    Row("imports:report",   "run_admin",     GET,   (LOGIN,  403,  404,   404,   403,     200,      403,     403)),
    Row("imports:apply",    "run_a",         GET,   (LOGIN,  405,  405,   405,   405,     405,      405,     405)),
    Row("imports:apply",    "run_a",         POST,  (LOGIN,  403,  DONE,  404,   403,     404,      403,     403)),
    Row("imports:apply",    "run_admin",     POST,  (LOGIN,  403,  404,   404,   403,     DONE,     403,     403)),
]
# fmt: on

CASES = [
    pytest.param(row, role, expected, id=f"{row.method} {row.url} {row.obj or '-'} as {role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]

UPLOADS = {"organizations": organizations_file, "members": members_file, "projects": lambda: projects_file([])}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _run(users, role: str, kind: str, data: bytes) -> ImportRun:
    return services.import_check(kind=kind, upload=upload(data), by=users[role])


def _url_and_data(row: Row, users) -> tuple[str, dict]:
    if row.url == "imports:index":
        if row.method == POST:
            return reverse(row.url), {"kind": row.obj, "file": upload(UPLOADS[row.obj]())}
        return reverse(row.url), {}
    if row.url == "imports:template":
        return reverse(row.url, args=[row.obj]), {}
    if row.obj == "run_a":
        run = _run(users, "secretary_a", "members", members_file())
    else:
        run = _run(users, "committee_admin", "organizations", organizations_file())
    return reverse(row.url, args=[run.pk]), {}


def _outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    if urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return DONE


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    url, data = _url_and_data(row, users)
    runs_before = set(ImportRun.objects.values_list("pk", "status"))
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    response = clients[role].post(url, data) if row.method == POST else clients[role].get(url)

    got = _outcome(response)
    assert got == expected, f"{row.method} {url} as {role}: expected {expected}, got {got}"
    if expected == 403:
        refusals = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).order_by("-id")
        assert refusals.count() == denied_before + 1, "a refused action must be audited"
        assert refusals[0].username == role
    if expected in (403, 404, 405, LOGIN):
        assert set(ImportRun.objects.values_list("pk", "status")) == runs_before, "a refusal must change nothing"


def test_it_covers_every_import_url():
    from .test_permission_matrix import _named_urls

    mine = {name for name in _named_urls() if name.startswith("imports:")}
    assert mine == {row.url for row in MATRIX}
