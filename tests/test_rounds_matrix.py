"""Permission matrix of the review-round URLs (ROLES.md): URL × role → status.

Same conventions as tests/test_permission_matrix.py: ``LOGIN`` is a 302 to the login page, ``DONE`` a
302 elsewhere (the action was carried out, or the page sends the user on), 403 is audited. Objects are in
branch A of an open round run by the committee (``check`` is branch A's check, ``finding`` one of its findings,
answered by branch A for ``answered``); ``draft`` is a draft round.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from projects import round_services

from . import rounds_views_support as rv

LOGIN, DONE = "login", "done"
GET, POST = "GET", "POST"
ROLES = ("visitor", "staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")
EXPORT = 200 if importlib.util.find_spec("projects.round_export") else DONE


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
    #   URL name                    object      method  visitor staff secr_a secr_b reviewer committee sysadmin auditor
    Row("rounds:list",              None,       GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("rounds:create",            None,       GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("rounds:create",            None,       POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("year", "2027"), ("quarter", "1"), ("kind", "quarterly"), ("report_deadline", "2027-03-20"),
         ("review_deadline", "2027-03-31"))),
    Row("rounds:detail",            "round",    GET,  (LOGIN, 403,  200,   404,   200,     200,      403,     403)),
    Row("rounds:detail",            "draft",    GET,  (LOGIN, 403,  404,   404,   200,     200,      403,     403)),
    Row("rounds:items",             "draft",    GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("rounds:items",             "round",    GET,  (LOGIN, 403,  403,   403,   403,     DONE,     403,     403)),
    Row("rounds:transition",        "round",    GET,  (LOGIN, 405,  405,   405,   405,     405,      405,     405)),
    Row("rounds:transition",        "round",    POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("action", "start_review"),)),
    Row("rounds:export",            "round",    GET,  (LOGIN, 403,  403,   403,   403,     EXPORT,   403,     403)),
    Row("rounds:branch",            "branch_a", GET,  (LOGIN, 403,  200,   404,   200,     200,      403,     403)),
    Row("rounds:check",             "check",    GET,  (LOGIN, 403,  200,   404,   200,     200,      403,     403)),
    Row("rounds:check",             "check",    POST, (LOGIN, 403,  403,   403,   200,     200,      403,     403),
        (("rating", "good"),)),
    Row("rounds:finding_create",    "check",    GET,  (LOGIN, 405,  405,   405,   405,     405,      405,     405)),
    Row("rounds:finding_create",    "check",    POST, (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403),
        (("text", "台账不全"), ("deadline", "2099-01-01"))),
    Row("rounds:finding_answer",    "finding",  POST, (LOGIN, 403,  DONE,  404,   403,     403,      403,     403),
        (("response", "已补齐"),)),
    Row("rounds:finding_confirm",   "answered", POST, (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403),
        (("action", "confirm"),)),
    Row("rounds:project_history",   "project",  GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
]
# fmt: on


def _build(key: str, company, users):
    """The object and the URL arguments of a row."""
    if key == "draft":
        round_ = rv.draft_round(company, users, quarter=4)
        return round_, [round_.pk]
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    if key == "round":
        return round_, [round_.pk]
    if key == "branch_a":
        return round_, [round_.pk, company.branch_a.pk]
    if key == "check":
        return check, [check.pk]
    if key == "project":
        return check.project, [check.project_id]
    found = rv.finding(check, users)
    if key == "answered":
        found = round_services.finding_answer(finding=found, by=users["secretary_a"], response="已补齐")
    return found, [found.pk]


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
    args = _build(row.obj, company, users)[1] if row.obj else []
    url = reverse(row.url, args=args)
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    client = clients[role]
    response = client.post(url, dict(row.data)) if row.method == POST else client.get(url)

    assert _outcome(response) == expected
    if expected == 403:
        assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count() == denied_before + 1
