"""Permission matrix of the reviewer-side and notification URLs (ROLES.md): URL × role → status.

Same conventions as tests/test_permission_matrix.py: ``LOGIN`` is a 302 to the login page, ``DONE`` a
302 elsewhere (the action was carried out, or the page sends the user on), 403 is audited.
Objects are branch A's, built in the state each row needs; ``notification`` belongs to the reviewer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from portal.workbench.models import Notification
from projects import services

from . import review_support as rs

LOGIN, DONE = "login", "done"
GET, POST = "GET", "POST"
ROLES = ("visitor", "staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")


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
    #   URL name                              object        method  visitor staff secr_a secr_b reviewer committee sysadmin auditor
    Row("projects:review_queue",              None,         GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("projects:publicity",                 None,         GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("projects:decide",                    "submitted",  GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("projects:decide",                    "submitted",  POST, (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403),
        (("action", "approve"),)),
    Row("projects:completion_decide",         "completion", GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("projects:completion_decide",         "completion", POST, (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403),
        (("action", "accept"),)),
    Row("projects:evaluate",                  "completed",  GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("projects:objection_create",          "approved",   GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("projects:objection_create",          "approved",   POST, (LOGIN, DONE, DONE,  DONE,  DONE,    DONE,     403,     403),
        (("text", "异议"),)),
    Row("projects:objection_create",          "submitted",  GET,  (LOGIN, 404,  DONE,  404,   DONE,    DONE,     403,     403)),
    Row("projects:objection_resolve",         "objection",  GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("projects:objection_resolve",         "objection",  POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("decision", "dismissed"), ("resolution", "不属实"))),
    Row("projects:terminate",                 "running",    GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("projects:terminate",                 "submitted",  GET,  (LOGIN, 403,  403,   403,   403,     DONE,     403,     403)),
    Row("projects:extension_decide",          "extension",  GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("projects:extension_decide",          "extension",  POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("decision", "approve"),)),
    Row("workbench:notifications",            None,         GET,  (LOGIN, 200,  200,   200,   200,     200,      200,     200)),
    Row("workbench:notifications_mark_all_read", None,      GET,  (LOGIN, 405,  405,   405,   405,     405,      405,     405)),
    Row("workbench:notifications_mark_all_read", None,      POST, (LOGIN, DONE, DONE,  DONE,  DONE,    DONE,     DONE,    DONE)),
    Row("workbench:notification_open",        "notification", GET, (LOGIN, 404, 404,   404,   DONE,    404,      404,     404)),
]
# fmt: on


def _build(key: str, company, users):
    if key == "objection":
        return services.objection_lodge(project=rs.approved(company, users), by=users["staff"], text="异议")
    if key == "extension":
        return services.extension_request(
            project=rs.in_progress(company, users), by=users["secretary_a"], new_end=dt.date(2027, 6, 30), reason="晚"
        )
    if key == "notification":
        return Notification.objects.create(recipient=users["reviewer"], text="通知", url="/workbench/")
    builder = {
        "submitted": rs.submitted,
        "approved": rs.approved,
        "running": rs.in_progress,
        "completion": rs.completion_review,
        "completed": rs.completed,
    }[key]
    return builder(company, users)


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


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    obj = _build(row.obj, company, users) if row.obj else None
    url = reverse(row.url, args=[obj.pk] if obj is not None else [])
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    client = clients[role]
    response = client.post(url, dict(row.data)) if row.method == POST else client.get(url)

    assert _outcome(response) == expected
    if expected == 403:
        assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == denied_before + 1


def test_it_covers_every_reviewer_side_and_notification_url():
    from .test_permission_matrix import _named_urls

    mine = {
        name
        for name in _named_urls()
        if name.startswith("workbench:") or name in {f"projects:{n}" for n in REVIEW_URL_NAMES}
    }
    assert mine - {"workbench:home"} == {row.url for row in MATRIX}


REVIEW_URL_NAMES = (
    "review_queue",
    "publicity",
    "objection_resolve",
    "extension_decide",
    "decide",
    "objection_create",
    "completion_decide",
    "evaluate",
    "terminate",
)
