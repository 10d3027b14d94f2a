"""The permission matrix (ROLES.md): every URL × every role × an object in branch A → expected status.

One row per (URL, object, method); one column per role. Read a row to see who may do what:

* ``200``/``204`` — served; ``403`` — the role may not (and the refusal is audited);
  ``404`` — the object lies outside the user's scope; ``405`` — wrong method.
* ``LOGIN`` — 302 to the portal's login page (anonymous visitor).
* ``ADMIN_LOGIN`` — 302 to the Django admin's login URL (LoginRequiredMiddleware honours the admin's
  ``login_url``; that page hands the visitor on to the portal's login).
* ``DONE`` — 302 somewhere else: the action was carried out (or the page sends a signed-in user on).

Objects: ``branch_a``, ``group_a1`` (a party group inside branch A), ``member_a`` (a person in branch A),
``branch_b`` and ``member_b`` (out of secretary A's scope), ``notice_a`` (a notification for secretary A).
See tests/conftest.py and ``OBJECTS`` below.

Later issues add their URLs here: ``test_it_covers_every_url`` fails until they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.audit.models import AuditEvent, Event

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
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
        assert len(self.expected) == len(ROLES), f"{self.url}: one expectation per role"


# fmt: off
MATRIX = [
    #   URL name                            object      method   visitor      staff        secretary_a  secretary_b  reviewer     committee    sysadmin     auditor
    Row("home",                             None,       GET,    (200,         DONE,        DONE,        DONE,        DONE,        DONE,        DONE,        DONE)),
    Row("healthz",                          None,       GET,    (200,         200,         200,         200,         200,         200,         200,         200)),
    Row("set_language",                     None,       POST,   (DONE,        DONE,        DONE,        DONE,        DONE,        DONE,        DONE,        DONE)),
    Row("accounts:login",                   None,       GET,    (200,         DONE,        DONE,        DONE,        DONE,        DONE,        DONE,        DONE)),
    Row("accounts:logout",                  None,       POST,   (LOGIN,       LOGIN,       LOGIN,       LOGIN,       LOGIN,       LOGIN,       LOGIN,       LOGIN)),
    Row("accounts:password_change",         None,       GET,    (LOGIN,       200,         200,         200,         200,         200,         200,         200)),
    Row("workbench:home",                   None,       GET,    (LOGIN,       200,         200,         200,         200,         200,         200,         200)),
    Row("workbench:notifications",          None,       GET,    (LOGIN,       200,         200,         200,         200,         200,         200,         200)),
    Row("workbench:notifications_mark_all_read", None,  POST,   (LOGIN,       DONE,        DONE,        DONE,        DONE,        DONE,        DONE,        DONE)),
    Row("workbench:notification_open",      "notice_a", GET,    (LOGIN,       404,         DONE,        404,         404,         404,         404,         404)),
    Row("audit:event_list",                 None,       GET,    (LOGIN,       403,         403,         403,         403,         403,         403,         200)),
    Row("audit:object_history",             None,       GET,    (LOGIN,       403,         403,         403,         403,         403,         403,         200)),
    Row("admin:index",                      None,       GET,    (ADMIN_LOGIN, 403,         403,         403,         403,         200,         200,         403)),
    # organizations
    Row("branches:organization_list",       None,       GET,    (LOGIN,       200,         200,         200,         200,         200,         403,         403)),
    Row("branches:organization_create",     None,       GET,    (LOGIN,       403,         403,         403,         403,         200,         403,         403)),
    Row("branches:organization_detail",     "branch_a", GET,    (LOGIN,       200,         200,         404,         200,         200,         403,         403)),
    Row("branches:organization_detail",     "group_a1", GET,    (LOGIN,       200,         200,         404,         200,         200,         403,         403)),
    Row("branches:organization_detail",     "branch_b", GET,    (LOGIN,       200,         404,         200,         200,         200,         403,         403)),
    Row("branches:organization_edit",       "branch_a", GET,    (LOGIN,       403,         403,         403,         403,         200,         403,         403)),
    Row("branches:organization_deactivate", "branch_a", GET,    (LOGIN,       405,         405,         405,         405,         405,         405,         405)),
    Row("branches:organization_deactivate", "group_a1", POST,   (LOGIN,       403,         403,         403,         403,         DONE,        403,         403)),
    Row("branches:organization_history",    "branch_a", GET,    (LOGIN,       403,         403,         403,         403,         200,         403,         200)),
    Row("branches:organization_export",     None,       GET,    (LOGIN,       403,         200,         200,         200,         200,         403,         403)),
    # members (personal data)
    Row("branches:member_list",             None,       GET,    (LOGIN,       403,         200,         200,         200,         200,         403,         403)),
    Row("branches:member_create",           None,       GET,    (LOGIN,       403,         200,         200,         403,         200,         403,         403)),
    Row("branches:member_detail",           "member_a", GET,    (LOGIN,       403,         200,         404,         200,         200,         403,         403)),
    Row("branches:member_detail",           "member_b", GET,    (LOGIN,       403,         404,         200,         200,         200,         403,         403)),
    Row("branches:member_edit",             "member_a", GET,    (LOGIN,       403,         200,         404,         403,         200,         403,         403)),
    Row("branches:member_deactivate",       "member_a", GET,    (LOGIN,       405,         405,         405,         405,         405,         405,         405)),
    Row("branches:member_deactivate",       "member_a", POST,   (LOGIN,       403,         DONE,        404,         403,         DONE,        403,         403)),
    Row("branches:member_phone",            "member_a", GET,    (LOGIN,       405,         405,         405,         405,         405,         405,         405)),
    Row("branches:member_phone",            "member_a", POST,   (LOGIN,       403,         200,         404,         403,         200,         403,         403)),
    Row("branches:member_history",          "member_a", GET,    (LOGIN,       403,         200,         404,         403,         200,         403,         200)),
    Row("branches:member_export",           None,       GET,    (LOGIN,       403,         200,         200,         200,         200,         403,         403)),
]
# fmt: on


def _notice_for_secretary_a(company, users):
    from portal.workbench.models import Notification

    return Notification.objects.create(recipient=users["secretary_a"], text="matrix", url="/workbench/")


# Object name -> how to get it (from the conftest company and users).
OBJECTS = {
    "branch_a": lambda company, users: company.branch_a,
    "group_a1": lambda company, users: company.group_a1,
    "branch_b": lambda company, users: company.branch_b,
    "member_a": lambda company, users: company.member_a,
    "member_b": lambda company, users: company.member_b,
    "notice_a": _notice_for_secretary_a,
}

# Form data sent with POST rows (anything a valid request needs).
POST_DATA = {
    "set_language": {"language": "en", "next": "/"},
    "branches:organization_deactivate": {"reason": "permission matrix"},
    "branches:member_deactivate": {"reason": "permission matrix"},
}

# The admin is walked by tests/test_url_allowlist.py; here only its entrance.
NOT_IN_MATRIX_NAMESPACES = ("admin:",)

CASES = [
    pytest.param(row, role, expected, id=f"{row.method} {row.url} {row.obj or '-'} as {role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


def _named_urls(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names |= _named_urls(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_it_covers_every_url():
    in_resolver = {name for name in _named_urls() if not name.startswith(NOT_IN_MATRIX_NAMESPACES)}
    # The projects rows live beside their views' tests, in the same table format.
    from .test_honors_matrix import MATRIX as HONORS_MATRIX
    from .test_projects_matrix import MATRIX as PROJECTS_MATRIX
    from .test_projects_review_matrix import MATRIX as REVIEW_MATRIX
    from .test_rounds_matrix import MATRIX as ROUNDS_MATRIX
    from .test_showcase_matrix import MATRIX as SHOWCASE_MATRIX
    from .test_spreadsheet_import_matrix import MATRIX as IMPORT_MATRIX
    from .test_statistics_matrix import MATRIX as STATISTICS_MATRIX

    in_matrix = {
        row.url
        for row in [
            *MATRIX,
            *PROJECTS_MATRIX,
            *REVIEW_MATRIX,
            *ROUNDS_MATRIX,
            *HONORS_MATRIX,
            *STATISTICS_MATRIX,
            *SHOWCASE_MATRIX,
            *IMPORT_MATRIX,
        ]
    }

    assert in_resolver - in_matrix == set(), "add these URLs to the permission matrix"
    assert in_matrix - in_resolver - {"admin:index"} == set(), "the matrix names URLs that no longer exist"


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    obj = OBJECTS[row.obj](company, users) if row.obj else None
    url = reverse(row.url, args=[obj.pk] if obj is not None else [])
    client = clients[role]
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    response = client.post(url, POST_DATA.get(row.url, {})) if row.method == POST else client.get(url)

    got = _outcome(response)
    assert got == expected, f"{row.method} {url} as {role}: expected {expected}, got {got}"
    if expected == 403:
        refusals = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).order_by("-id")
        assert refusals.count() == denied_before + 1, "a refused action must be audited"
        assert refusals[0].username == users[role].username
    if row.method == POST and obj is not None and hasattr(obj, "is_active"):
        obj.refresh_from_db()
        if expected in (403, 404, LOGIN):
            assert obj.is_active, "a refused POST must change nothing"
        elif row.url.endswith("_deactivate"):
            assert not obj.is_active, "an allowed deactivation must take effect"


def _outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = urlsplit(response["Location"]).path
    if location == resolve_url(settings.LOGIN_URL):
        return LOGIN
    if location == reverse("admin:login"):
        return ADMIN_LOGIN
    return DONE
