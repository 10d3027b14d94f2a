"""honor_export: the honours ledger (荣誉台账) as Excel, filtered like the roll, scoped, audited."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from honors import services
from honors.models import Level, RecipientKind
from portal.audit.models import AuditEvent, Event

from .factories import MemberFactory
from .honors_support import make_external_honor, today

URL = reverse("honors:honor_export")

EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}

HEADERS = [
    "Year",
    "Quarter",
    "Honour",
    "Level",
    "Grade",
    "Awarded to",
    "Recipient",
    "Branch",
    "Granted by",
    "Granted on",
    "Source",
    "Validity",
]


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[1]) == HEADERS
    return rows[2:]


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL).status_code == status


def test_it_writes_one_row_per_honour_with_every_column(clients, company, users):
    make_external_honor(company, users, title="全国先进", level=Level.NATIONAL, quarter=3)
    make_external_honor(
        company,
        users,
        title="先进党组织",
        recipient_kind=RecipientKind.BRANCH,
        member=None,
        branch=company.branch_b,
        level=Level.COMPANY,
        granted_on=None,
    )
    response = clients["committee_admin"].get(URL)
    assert ".xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert len(rows) == 2
    first = rows[0]
    assert first[:8] == (today().year, "Q3", "全国先进", "National", None, "Person", "张甲", "甲党支部")
    assert first[8] == "中共某省委" and first[9].date() == today()
    assert first[10:] == ("Entered by hand", "Valid")
    assert rows[1][2] == "先进党组织" and rows[1][6] == "乙党支部" and rows[1][9] is None


def test_it_exports_only_the_scope_of_a_secretary_revoked_ones_marked(clients, company, users):
    mine = make_external_honor(company, users, title="甲的荣誉")
    make_external_honor(company, users, title="乙的荣誉", member=company.member_b)
    services.honor_revoke(honor=mine, by=users["committee_admin"], reason="撤销")
    rows = sheet_rows(clients["secretary_a"].get(URL, {"state": "all"}))
    assert [(r[2], r[11]) for r in rows] == [("甲的荣誉", "Revoked")]
    assert [r[2] for r in sheet_rows(clients["committee_admin"].get(URL))] == ["乙的荣誉"]  # valid by default


def test_it_keeps_the_filters_of_the_roll(clients, company, users):
    make_external_honor(company, users, title="全国先进", level=Level.NATIONAL)
    make_external_honor(company, users, title="厂级先进", level=Level.PLANT)
    rows = sheet_rows(clients["reviewer"].get(URL, {"level": Level.PLANT}))
    assert [r[2] for r in rows] == ["厂级先进"]


def test_it_audits_the_export(clients, company, users):
    clients["reviewer"].get(URL, {"level": Level.PLANT})
    event = AuditEvent.objects.get(event=Event.EXPORT, user=users["reviewer"])
    assert event.detail["ledger"] == "honours" and event.detail["filters"] == {"level": "plant"}


def test_it_sends_invalid_filters_back_to_the_roll(clients, company):
    response = clients["secretary_a"].get(URL, {"branch": company.branch_b.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("honors:honor_list"))
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()


def test_it_writes_text_that_looks_like_a_formula_as_text(clients, company, users):
    make_external_honor(company, users, title='=HYPERLINK("http://x")', granted_by="+cmd")
    response = clients["committee_admin"].get(URL)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    row = list(workbook.active.iter_rows(min_row=3, max_row=3))[0]
    assert row[2].data_type == "s" and row[2].value == '=HYPERLINK("http://x")'
    assert row[8].data_type == "s"


def test_it_runs_a_constant_number_of_queries(clients, company, users, django_assert_num_queries):
    make_external_honor(company, users)
    client = clients["committee_admin"]
    with CaptureQueriesContext(connection) as few:
        sheet_rows(client.get(URL))
    for i in range(40):
        make_external_honor(company, users, title=f"荣誉{i}", member=MemberFactory(organization=company.branch_b))
    with django_assert_num_queries(len(few.captured_queries)):
        rows = sheet_rows(client.get(URL))
    assert len(rows) == 41
