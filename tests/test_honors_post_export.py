"""honors:post_export — the posts ledger (台账) as an Excel workbook, with the list's filters, audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent, Event

from .honors_posts_support import building_post, make_post, party_member, titled_post

URL = reverse("honors:post_export")
HEADER = [
    "Name",
    "Kind",
    "Branch",
    "Leader",
    "Members",
    "Status",
    "Year applied",
    "Year titled",
    "Last yearly review",
    "Public pledge",
]


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = workbook.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_it_exports_one_row_per_post(company, users, clients):
    year = timezone.localdate().year
    make_post(company, users, name="甲申报岗", members=[party_member(company), party_member(company)])
    titled_post(company, users, name="甲命名岗", pledge='=HYPERLINK("http://evil.example")')
    building_post(company, users, name="乙创建岗", branch="b")
    rows = _sheet(clients["reviewer"].get(URL))
    assert "Demonstration posts ledger" in rows[0][0]
    assert rows[1] == HEADER
    data = {row[0]: row for row in rows[2:]}
    assert set(data) == {"甲申报岗", "甲命名岗", "乙创建岗"}
    assert data["甲申报岗"][1:7] == [
        "Party member innovation demonstration post",
        "甲党支部",
        "张甲",
        3,
        "Applied",
        year,
    ]
    assert data["甲命名岗"][5:9] == ["Titled", year, year, year]
    assert data["甲命名岗"][9] == '=HYPERLINK("http://evil.example")'  # stays text, not a formula
    assert data["乙创建岗"][2:4] == ["乙党支部", "李乙"]


def test_it_applies_the_list_filters(company, users, clients):
    make_post(company, users, name="甲申报岗")
    building_post(company, users, name="乙创建岗", branch="b")
    rows = _sheet(clients["reviewer"].get(URL, {"status": "building"}))
    assert [row[0] for row in rows[2:]] == ["乙创建岗"]
    rows = _sheet(clients["reviewer"].get(URL, {"branch": company.branch_a.pk}))
    assert [row[0] for row in rows[2:]] == ["甲申报岗"]


def test_a_secretary_exports_only_what_it_may_see(company, users, clients):
    make_post(company, users, name="甲申报岗")
    make_post(company, users, name="乙申报岗", branch="b")
    building_post(company, users, name="乙创建岗", branch="b")
    rows = _sheet(clients["secretary_a"].get(URL))
    assert sorted(row[0] for row in rows[2:]) == ["乙创建岗", "甲申报岗"]


def test_it_audits_the_export(company, users, clients):
    make_post(company, users)
    building_post(company, users, name="乙创建岗", branch="b")
    _sheet(clients["reviewer"].get(URL))
    event = AuditEvent.objects.get(event=Event.EXPORT, user=users["reviewer"])
    assert event.detail == {"ledger": "posts", "rows": 2}


@pytest.mark.parametrize("key", ["staff", "sysadmin", "auditor"])
def test_roles_without_the_ledger_get_403(company, users, clients, key):
    make_post(company, users)
    assert clients[key].get(URL).status_code == 403
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()
