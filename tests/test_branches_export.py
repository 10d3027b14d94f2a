"""branches:organization_export and branches:member_export — the organizations and roster ledgers (台账).

The columns are the import's (branches/sheets.py), in order; an export re-imports unchanged. Rows follow
the lists' scope and filters; phone numbers are whole only for roster keepers; every export is audited.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import LeaderLevel, OrgKind, PartyPost, PartyStatus
from branches.sheets import MEMBER_COLUMNS, ORGANIZATION_COLUMNS
from portal.audit.models import AuditEvent, Event
from portal.spreadsheets.engine import run_import

from .factories import MemberFactory, make_org

ORG_URL = reverse("branches:organization_export")
MEMBER_URL = reverse("branches:member_export")
ORG_HEADERS = [c.header for c in ORGANIZATION_COLUMNS] + ["状态"]
MEMBER_HEADERS = [c.header for c in MEMBER_COLUMNS] + ["状态"]


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and ".xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(response) -> list[list]:
    ws = _workbook(response).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _data(rows, key_column: int = 0) -> dict:
    return {row[key_column]: row for row in rows[2:]}


# --- organizations -------------------------------------------------------------------------------


def test_the_organization_ledger_has_the_import_columns_and_words(company, clients):
    workbook = _workbook(clients["committee_admin"].get(ORG_URL))
    ws = workbook.worksheets[0]
    assert ws.title == "党组织"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert "organizations ledger" in rows[0][0]
    assert rows[1] == ORG_HEADERS
    assert [row[0] for row in rows[2:]] == ["测试公司党委", "第一党总支", "甲党支部", "甲一党小组", "乙党支部"]
    data = _data(rows)
    assert data["测试公司党委"] == ["测试公司党委", "党委", None, "C01", "在用"]
    assert data["第一党总支"] == ["第一党总支", "党总支", "测试公司党委", "G01", "在用"]
    assert data["甲一党小组"] == ["甲一党小组", "党小组", "甲党支部", "P0A1", "在用"]
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape"
    assert ws["A2"].font.b and ws.column_dimensions["A"].width == ORGANIZATION_COLUMNS[0].width


def test_parent_references_are_paths_where_names_repeat(company, clients):
    other = make_org("第二党总支", OrgKind.GENERAL_BRANCH, company.committee)
    twin = make_org("甲党支部", OrgKind.BRANCH, other)
    make_org("甲一党小组", OrgKind.PARTY_GROUP, twin)
    rows = _rows(clients["committee_admin"].get(ORG_URL))
    parents = sorted(row[2] for row in rows[2:] if row[0] == "甲一党小组")
    assert parents == ["第一党总支/甲党支部", "第二党总支/甲党支部"]


def test_hiding_deactivated_organizations_is_kept(company, clients):
    company.group_a1.is_active = False
    company.group_a1.save()
    rows = _rows(clients["committee_admin"].get(ORG_URL))
    assert _data(rows)["甲一党小组"][4] == "已停用"
    rows = _rows(clients["committee_admin"].get(ORG_URL, {"active": "1"}))
    assert "甲一党小组" not in _data(rows)


def test_a_secretary_exports_its_own_branch_only(company, clients):
    rows = _rows(clients["secretary_b"].get(ORG_URL))
    assert [row[0] for row in rows[2:]] == ["乙党支部"]
    assert rows[2][2] == "第一党总支"  # the parent outside the scope is still named, for the import


def test_the_organization_export_is_audited(company, users, clients):
    _rows(clients["reviewer"].get(ORG_URL, {"active": "1"}))
    event = AuditEvent.objects.get(event=Event.EXPORT, user=users["reviewer"])
    assert event.detail == {"ledger": "organizations", "rows": 5, "filters": {"active": "1"}}


def test_an_exported_tree_reimports_unchanged(company, users, clients):
    data = b"".join(clients["committee_admin"].get(ORG_URL).streaming_content)
    outcome = run_import(kind="organizations", data=data, file_name="x.xlsx", by=users["committee_admin"], dry_run=True)
    assert outcome.errors == []
    assert outcome.rows == 5 and outcome.unchanged == 5


# --- members -------------------------------------------------------------------------------------


def test_the_roster_ledger_has_the_import_columns_and_words(company, clients):
    member = company.member_a
    member.party_post = PartyPost.SECRETARY
    member.leader_level = LeaderLevel.DEPARTMENT
    member.skill_grade = "高级技师"
    member.save()
    MemberFactory(
        organization=company.group_a1,
        name="王群",
        gender="F",
        party_status=PartyStatus.NONE,
        joined_party_on=None,
        on_duty=False,
        phone="",
        job_title="",
    )
    workbook = _workbook(clients["committee_admin"].get(MEMBER_URL))
    ws = workbook.worksheets[0]
    assert ws.title == "人员"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[1] == MEMBER_HEADERS
    data = {row[0]: row for row in rows[2:]}
    assert set(data) == {"张甲", "李乙", "王群"}
    assert data["张甲"] == [
        "张甲",
        "男",
        member.employee_no,
        "甲党支部",
        "中共党员",
        dt.datetime.combine(member.joined_party_on, dt.time()),  # a real date
        "书记",
        "工程师",
        "高级技师",
        "部门级",
        "是",
        "13800138000",
        "在用",
    ]
    assert ws.cell(row=3, column=6).is_date
    assert data["王群"][1:] == [
        "女",
        data["王群"][2],
        "甲一党小组",
        "群众",
        None,
        None,  # no party post: an empty cell
        None,
        None,
        "否",
        "否",
        None,
        "在用",
    ]


def test_reviewers_get_masked_phones_and_are_not_audited_for_personal_data(company, users, clients):
    rows = _rows(clients["reviewer"].get(MEMBER_URL))
    phones = {row[0]: row[11] for row in rows[2:]}
    assert phones == {"张甲": "138****8000", "李乙": "139****9000"}
    event = AuditEvent.objects.get(event=Event.EXPORT, user=users["reviewer"])
    assert event.detail == {"ledger": "members", "rows": 2, "filters": {"status": "active"}, "phones": "masked"}
    assert not AuditEvent.objects.filter(event=Event.PERSONAL_DATA_VIEW).exists()


def test_whole_phone_numbers_are_audited_as_personal_data(company, users, clients):
    rows = _rows(clients["secretary_a"].get(MEMBER_URL))
    assert [(row[0], row[11]) for row in rows[2:]] == [("张甲", "13800138000")]
    export = AuditEvent.objects.get(event=Event.EXPORT, user=users["secretary_a"])
    assert export.detail["phones"] == "full" and export.detail["rows"] == 1
    shown = AuditEvent.objects.get(event=Event.PERSONAL_DATA_VIEW, user=users["secretary_a"])
    assert shown.detail == {"field": "phone", "ledger": "members", "rows": 1, "filters": {"status": "active"}}


def test_the_member_list_filters_apply(company, clients):
    MemberFactory(organization=company.group_a1, name="赵组", party_status=PartyStatus.PROBATIONARY)
    gone = MemberFactory(organization=company.branch_b, name="钱离", is_active=False)
    client = clients["committee_admin"]
    names = lambda params: sorted(row[0] for row in _rows(client.get(MEMBER_URL, params))[2:])  # noqa: E731
    assert names({"organization": company.branch_a.pk}) == ["张甲", "赵组"]
    assert names({"party_status": "probationary"}) == ["赵组"]
    assert names({"q": "李"}) == ["李乙"]
    assert names({"status": "inactive"}) == [gone.name]
    assert names({"status": "all", "organization": company.branch_b.pk}) == ["李乙", "钱离"]
    inactive = _rows(client.get(MEMBER_URL, {"status": "inactive"}))[2]
    assert inactive[12] == "已停用"


def test_a_secretary_never_exports_another_branch(company, users, clients):
    rows = _rows(clients["secretary_b"].get(MEMBER_URL))
    assert [row[0] for row in rows[2:]] == ["李乙"]
    exports = AuditEvent.objects.filter(event=Event.EXPORT, user=users["secretary_b"])
    assert exports.count() == 1
    response = clients["secretary_b"].get(MEMBER_URL, {"organization": company.branch_a.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("branches:member_list"))
    assert exports.count() == 1  # another branch's filter is refused: nothing exported


def test_formula_looking_text_stays_text(company, clients):
    company.member_a.job_title = "=1+1"
    company.member_a.skill_grade = "@SUM(A1:A2)"
    company.member_a.save()
    ws = _workbook(clients["committee_admin"].get(MEMBER_URL)).worksheets[0]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "张甲")
    assert row[7].value == "=1+1" and row[7].data_type == "s"
    assert row[8].value == "@SUM(A1:A2)" and row[8].data_type == "s"
    for cells in ws.iter_rows():
        for cell in cells:
            assert cell.data_type != "f"


@pytest.mark.parametrize(("role", "url"), [("staff", ORG_URL), ("staff", MEMBER_URL), ("sysadmin", MEMBER_URL)])
def test_roles_without_the_ledger_get_403(company, users, clients, role, url):
    response = clients[role].get(url)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users[role]).exists()
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()


@pytest.mark.parametrize("url", [ORG_URL, MEMBER_URL])
def test_visitors_are_sent_to_log_in(clients, url):
    response = clients["visitor"].get(url)
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _rows(client.get(url))
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [ORG_URL, MEMBER_URL])
def test_the_query_count_does_not_grow_with_the_rows(company, clients, url):
    client = clients["committee_admin"]
    small = _queries(client, url)
    for n in range(12):
        branch = make_org(f"丙{n}党支部", OrgKind.BRANCH, company.general)
        MemberFactory(organization=branch)
    assert _queries(client, url) == small


def test_an_exported_roster_reimports_unchanged(company, users, clients):
    MemberFactory(organization=company.group_a1, name="王群", party_status=PartyStatus.NONE, joined_party_on=None)
    data = b"".join(clients["committee_admin"].get(MEMBER_URL).streaming_content)
    outcome = run_import(kind="members", data=data, file_name="x.xlsx", by=users["committee_admin"], dry_run=True)
    assert outcome.errors == []
    assert outcome.rows == 3 and outcome.unchanged == 3


def test_the_lists_offer_the_export_with_their_filters(company, clients):
    page = clients["reviewer"].get(reverse("branches:member_list"), {"party_status": "full", "page": "1"})
    assert f'href="{MEMBER_URL}?party_status=full"' in page.content.decode()
    page = clients["reviewer"].get(reverse("branches:organization_list"), {"active": "1"})
    assert f'href="{ORG_URL}?active=1"' in page.content.decode()


def test_the_organization_list_hides_the_export_from_staff(company, clients):
    page = clients["staff"].get(reverse("branches:organization_list"))
    assert page.status_code == 200 and ORG_URL not in page.content.decode()
