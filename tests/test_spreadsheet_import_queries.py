"""The import pages run a constant number of queries, however many runs, changes or errors there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.spreadsheets.models import ImportRun, RunStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(user, n_changes: int = 1, n_errors: int = 0) -> ImportRun:
    return ImportRun.objects.create(
        kind="members",
        file="imports/x.xlsx",
        file_name="花名册.xlsx",
        sha256="0" * 64,
        size=100,
        user=user,
        status=RunStatus.REFUSED if n_errors else RunStatus.CHECKED,
        rows=n_changes,
        created=n_changes,
        change_count=n_changes,
        changes=[
            {"row": i + 2, "action": "update", "label": f"人{i}", "fields": {"岗位": ["甲", "乙"]}}
            for i in range(n_changes)
        ],
        error_count=n_errors,
        errors=[{"sheet": "人员", "row": i + 2, "column": "工号", "message": "重复"} for i in range(n_errors)],
    )


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries), "\n".join(q["sql"] for q in ctx.captured_queries)


def test_the_index_lists_runs_in_constant_queries(clients, users, company):
    client = clients["committee_admin"]
    url = reverse("imports:index")
    _run(users["committee_admin"])
    client.get(url)
    small, _sql = _queries(client, url)
    for i in range(5):  # others' runs too: each row shows its user
        _run(UserFactory(username=f"sec{i}", role="secretary", scope=company.branch_a))
    large, sql = _queries(client, url)
    assert large == small, sql


def test_the_report_shows_changes_and_errors_in_constant_queries(clients, users, company):
    client = clients["committee_admin"]
    few = _run(users["committee_admin"], n_changes=1, n_errors=1)
    many = _run(users["committee_admin"], n_changes=300, n_errors=200)
    client.get(reverse("imports:report", args=[few.pk]))
    small, _sql = _queries(client, reverse("imports:report", args=[few.pk]))
    large, sql = _queries(client, reverse("imports:report", args=[many.pk]))
    assert large == small, sql
