"""Permission matrix of the statistics URLs (same conventions as tests/test_honors_matrix.py).

The dashboard and its export: reviewers and the committee office (their scope), secretaries (their branch);
staff, the system admin and the auditor are refused (403, audited), visitors go to the login page.
The public page answers everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.audit.models import AuditEvent, Event

LOGIN = "login"
GET = "GET"
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
    #   URL name                 object method visitor staff secr_a secr_b reviewer committee sysadmin auditor
    Row("statistics:dashboard",  None,  GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("statistics:export",     None,  GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("statistics:public",     None,  GET,  (200,   200,  200,   200,   200,     200,      200,     200)),
]
# fmt: on

CASES = [
    pytest.param(row, role, expected, id=f"{row.method} {row.url} as {role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


def _outcome(response) -> int | str:
    if response.status_code == 302 and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    response = clients[role].get(reverse(row.url))

    got = _outcome(response)
    assert got == expected, f"GET {row.url} as {role}: expected {expected}, got {got}"
    if expected == 403:
        refusals = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).order_by("-id")
        assert refusals.count() == denied_before + 1, "a refused action must be audited"
        assert refusals[0].username == role


def test_it_covers_every_statistics_url():
    from .test_permission_matrix import _named_urls

    mine = {name for name in _named_urls() if name.startswith("statistics:")}
    assert mine == {row.url for row in MATRIX}
