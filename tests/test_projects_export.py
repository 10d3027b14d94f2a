"""projects:export and projects:result_export — the project and results ledgers (台账), and the measured export.

The project ledger has the import's columns (projects/sheets.py) in order and re-imports unchanged; both
ledgers follow the project list's filters within the user's own scope, are audited, and cost the same
number of queries whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import PartyStatus
from portal.audit.models import AuditEvent, Event
from portal.spreadsheets.engine import run_import
from projects.ledgers import RESULT_HEADERS, measure_project_export
from projects.models import ResultType
from projects.sheets import PROJECT_COLUMNS

from . import projects_support as ps
from .factories import MemberFactory, make_project

URL = reverse("projects:export")
RESULTS_URL = reverse("projects:result_export")
HEADERS = [c.header for c in PROJECT_COLUMNS] + ["负责人"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and ".xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(response) -> list[list]:
    return [[c.value for c in row] for row in _workbook(response).worksheets[0].iter_rows()]


def _titles(response) -> list[str]:
    return sorted(row[2] for row in _rows(response)[2:])


def _team_project(company, users, **overrides):
    """A running project of branch A with two team members and two expected result types."""
    first = MemberFactory(organization=company.branch_a, name="甲队员一", employee_no="TA001")
    second = MemberFactory(organization=company.group_a1, name="甲队员二", employee_no="TA002")
    project = ps.in_progress(company, users, team=[first, second], **overrides)
    project.expected_result_types.set(ResultType.objects.filter(name__in=["专利", "论文"]))
    return project


def _branch_b_draft(company, users, title="乙支部草稿"):
    return make_project(organization=company.branch_b, leader=company.member_b, by=users["secretary_b"], title=title)


def test_the_project_ledger_has_the_import_columns_and_words(company, users, clients):
    project = _team_project(company, users, is_branch_led=True)
    ws = _workbook(clients["reviewer"].get(URL)).worksheets[0]
    assert ws.title == "项目"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert "projects ledger" in rows[0][0]
    assert rows[1] == HEADERS
    assert rows[2] == [
        project.number,
        2026,
        "焊接工艺参数优化",
        "甲党支部",
        "科研生产",
        "党组织选题",
        company.member_a.employee_no,
        "TA001、TA002",  # the team without the leader
        dt.datetime(2026, 3, 1),  # real dates
        dt.datetime(2026, 12, 31),
        "实施中",
        "、".join(ResultType.objects.filter(name__in=["专利", "论文"]).values_list("name", flat=True)),  # display order
        12.5,
        "是",
        "张甲",
    ]
    assert ws["I3"].is_date and ws["M3"].data_type == "n"
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"


def test_a_draft_has_no_number_and_says_no(company, users, clients):
    ps.draft(company, users, title="草稿项目")
    row = _rows(clients["secretary_a"].get(URL))[2]
    assert row[0] is None and row[2] == "草稿项目" and row[7] is None and row[10] == "草稿" and row[13] == "否"


def test_the_results_ledger(company, users, clients):
    project = _team_project(company, users)
    ps.add_result(project, users)
    ps.add_result(
        project,
        users,
        title="=1+1",
        value=Decimal("0"),
        reference="",
        description="说明文字",
        result_type=ResultType.objects.get(name="制度"),
    )
    ws = _workbook(clients["committee_admin"].get(RESULTS_URL)).worksheets[0]
    assert ws.title == "成果"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert "results ledger" in rows[0][0]
    assert rows[1] == RESULT_HEADERS
    by_title = {row[3]: row for row in rows[2:]}
    today = dt.datetime.combine(dt.date.today(), dt.time())
    assert by_title["一种焊接夹具"] == [
        project.number,
        "焊接工艺参数优化",
        "甲党支部",
        "一种焊接夹具",
        "专利",
        today,
        35.5,
        "ZL2026 1 0000001.0",
        None,
    ]
    assert by_title["=1+1"][4:] == ["制度", today, 0, None, "说明文字"]
    formula_cell = next(c for c in ws["D"] if c.value == "=1+1")
    assert formula_cell.data_type == "s"  # text, never a formula


def test_formula_looking_titles_stay_text(company, users, clients):
    ps.draft(company, users, title='=HYPERLINK("http://evil.example")')
    ws = _workbook(clients["secretary_a"].get(URL)).worksheets[0]
    assert ws["C3"].value == '=HYPERLINK("http://evil.example")' and ws["C3"].data_type == "s"


def test_the_list_filters_apply(company, users, clients):
    ps.draft(company, users, title="甲草稿")
    ps.in_progress(company, users, title="甲实施")
    _branch_b_draft(company, users)
    client = clients["reviewer"]
    assert _titles(client.get(URL)) == ["乙支部草稿", "甲实施", "甲草稿"]
    assert _titles(client.get(URL, {"status": "in_progress"})) == ["甲实施"]
    assert _titles(client.get(URL, {"branch": company.branch_b.pk})) == ["乙支部草稿"]
    assert _titles(client.get(URL, {"q": "草稿"})) == ["乙支部草稿", "甲草稿"]
    assert _titles(client.get(URL, {"leader": "李乙"})) == ["乙支部草稿"]


def test_results_follow_the_project_filters(company, users, clients):
    running = ps.in_progress(company, users, title="甲实施")
    ps.add_result(running, users)
    client = clients["reviewer"]
    assert len(_rows(client.get(RESULTS_URL))) == 3
    assert len(_rows(client.get(RESULTS_URL, {"branch": company.branch_b.pk}))) == 2  # title and header only


def test_a_secretary_exports_its_own_branch_only(company, users, clients):
    ps.approved(company, users, title="甲已立项")  # published: the list shows it to everyone, the ledger does not
    _branch_b_draft(company, users)
    assert _titles(clients["secretary_b"].get(URL)) == ["乙支部草稿"]
    assert _titles(clients["secretary_a"].get(URL)) == ["甲已立项"]
    exports = AuditEvent.objects.filter(event=Event.EXPORT, user=users["secretary_b"])
    before = exports.count()
    response = clients["secretary_b"].get(URL, {"branch": company.branch_a.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("projects:list"))
    assert exports.count() == before


def test_exports_are_audited(company, users, clients):
    project = ps.in_progress(company, users)
    ps.add_result(project, users)
    _rows(clients["committee_admin"].get(URL, {"status": "in_progress"}))
    _rows(clients["committee_admin"].get(RESULTS_URL))
    details = [e.detail for e in AuditEvent.objects.filter(event=Event.EXPORT).order_by("id")]
    assert details == [
        {"ledger": "projects", "rows": 1, "filters": {"status": "in_progress"}},
        {"ledger": "results", "rows": 1, "filters": {}},
    ]


@pytest.mark.parametrize("url", [URL, RESULTS_URL])
@pytest.mark.parametrize("role", ["staff", "sysadmin", "auditor"])
def test_roles_without_the_ledgers_get_403(company, users, clients, role, url):
    assert clients[role].get(url).status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users[role]).exists()
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()


@pytest.mark.parametrize("url", [URL, RESULTS_URL])
def test_visitors_are_sent_to_log_in(clients, url):
    response = clients["visitor"].get(url)
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _rows(client.get(url))
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [URL, RESULTS_URL])
def test_the_query_count_does_not_grow_with_the_projects(company, users, clients, url):
    client = clients["committee_admin"]
    project = _team_project(company, users)
    ps.add_result(project, users)
    small = _queries(client, url)
    for n in range(6):
        people = [MemberFactory(organization=company.branch_a, party_status=PartyStatus.FULL) for _ in range(2)]
        more = make_project(
            organization=company.branch_a,
            leader=people[0],
            by=users["secretary_a"],
            title=f"项目{n}",
            team=[people[1]],
        )
        more.expected_result_types.set(ResultType.objects.all()[:2])
    ps.add_result(ps.in_progress(company, users, title="又一个"), users)
    assert _queries(client, url) == small


def test_an_exported_ledger_reimports_unchanged(company, users, clients):
    _team_project(company, users)
    ps.draft(company, users, title="甲草稿")
    _branch_b_draft(company, users)
    data = b"".join(clients["committee_admin"].get(URL).streaming_content)
    outcome = run_import(kind="projects", data=data, file_name="x.xlsx", by=users["committee_admin"], dry_run=True)
    assert outcome.errors == []
    assert outcome.rows == 3 and outcome.unchanged == 3


def test_the_measured_export(company, users):
    _team_project(company, users)
    ps.draft(company, users, title="甲草稿")
    figures = measure_project_export(users["committee_admin"])
    assert figures["rows"] == 2
    assert set(figures) == {"rows", "seconds", "seconds_per_10k", "peak_mb"}
    assert figures["seconds"] > 0 and figures["peak_mb"] > 0
    assert measure_project_export(users["secretary_b"])["rows"] == 0


def test_the_list_offers_both_ledgers_with_its_filters(company, clients):
    page = clients["secretary_a"].get(reverse("projects:list"), {"status": "draft", "page": "2"}).content.decode()
    assert f'href="{URL}?status=draft"' in page and f'href="{RESULTS_URL}?status=draft"' in page


def test_the_list_hides_the_ledgers_from_staff(company, clients):
    page = clients["staff"].get(reverse("projects:list"))
    assert page.status_code == 200 and URL not in page.content.decode()
