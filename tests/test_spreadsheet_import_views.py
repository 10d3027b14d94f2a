"""The import pages: cards per role, upload → dry-run report → confirm, the runs each user may see."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Member, Organization
from portal.audit.models import AuditEvent, Event
from portal.spreadsheets import engine
from portal.spreadsheets.models import ImportRun, RunStatus

from .spreadsheet_import_support import members_file, organizations_file, upload

INDEX = reverse("imports:index")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, kind: str, data: bytes, name: str = "导入.xlsx"):
    return client.post(INDEX, {"kind": kind, "file": upload(data, name)})


def _cards(response) -> list[str]:
    return [card["kind"].key for card in response.context["cards"]]


def test_each_role_sees_the_imports_it_may_run(clients, company):
    assert _cards(clients["committee_admin"].get(INDEX)) == ["organizations", "members", "projects"]
    response = clients["secretary_a"].get(INDEX)
    assert _cards(response) == ["members"]
    assert "姓名" in response.content.decode() and "工号" in response.content.decode()


def test_the_import_asked_for_comes_first(clients, company):
    response = clients["committee_admin"].get(INDEX, {"kind": "projects"})

    assert _cards(response) == ["projects", "organizations", "members"]
    assert response.context["cards"][0]["selected"]


def test_an_upload_shows_the_dry_run_and_writes_nothing(clients, company):
    response = _upload(clients["secretary_a"], "members", members_file())

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:report", args=[run.pk])
    assert not Member.objects.filter(employee_no="N10001").exists()
    page = clients["secretary_a"].get(response["Location"])
    assert page.status_code == 200
    assert page.context["can_apply"]
    html = page.content.decode()
    assert 'data-testid="confirm-import"' in html and 'data-testid="checked-summary"' in html
    assert "王新" in html and 'data-action="create"' in html


def test_errors_are_listed_by_sheet_row_and_column_without_a_confirm_button(clients, company):
    data = members_file(
        [
            ["王新", "男", "N10001", "甲党支部", "中共党员", "2015-07-01", "是"],
            ["赵错", "男", "N10002", "无此支部", "中共党员", "2015-13-45", "是"],
        ]
    )

    page = clients["secretary_a"].get(_upload(clients["secretary_a"], "members", data)["Location"])

    html = page.content.decode()
    assert 'data-testid="refused-summary"' in html and 'data-testid="confirm-import"' not in html
    assert not page.context["can_apply"]
    errors = page.context["errors"]
    assert {(e["sheet"], e["row"]) for e in errors} == {("人员", 4)}
    assert {e["column"] for e in errors} >= {"所在党组织", "入党时间"}
    assert html.count('data-testid="error-row"') == len(errors)


def test_confirming_imports_and_shows_the_imported_summary(clients, company):
    run_url = _upload(clients["secretary_a"], "members", members_file())["Location"]
    run = ImportRun.objects.get()

    response = clients["secretary_a"].post(reverse("imports:apply", args=[run.pk]))

    assert response.status_code == 302 and response["Location"] == run_url
    assert Member.objects.get(employee_no="N10001").organization == company.branch_a
    page = clients["secretary_a"].get(run_url)
    html = page.content.decode()
    assert 'data-testid="applied-summary"' in html and 'data-testid="confirm-import"' not in html
    assert "The file has been imported." in html
    again = clients["secretary_a"].post(reverse("imports:apply", args=[run.pk]), follow=True)
    assert "already been imported" in again.content.decode()
    assert Member.objects.filter(employee_no="N10001").count() == 1


def test_apply_takes_post_only(clients, company):
    _upload(clients["secretary_a"], "members", members_file())
    run = ImportRun.objects.get()

    assert clients["secretary_a"].get(reverse("imports:apply", args=[run.pk])).status_code == 405
    assert ImportRun.objects.get().status == RunStatus.CHECKED


def test_a_secretary_may_not_upload_organizations(clients, users, company):
    before = Organization.objects.count()

    response = _upload(clients["secretary_a"], "organizations", organizations_file())

    assert response.status_code == 403
    assert not ImportRun.objects.exists() and Organization.objects.count() == before
    refusal = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).latest("id")
    assert refusal.username == "secretary_a" and refusal.detail["action"] == "import.organizations"


def test_a_file_over_the_limit_gets_a_clear_message(clients, company, monkeypatch):
    monkeypatch.setattr(engine, "MAX_FILE_BYTES", 1024)

    response = _upload(clients["committee_admin"], "organizations", organizations_file())

    assert response.status_code == 400
    assert "can be imported at once" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_missing_file_is_a_form_error(clients, company):
    response = clients["committee_admin"].post(INDEX, {"kind": "organizations"})

    assert response.status_code == 400
    assert 'data-testid="upload-error"' in response.content.decode()


def test_runs_of_another_user_are_not_found_but_the_committee_office_reads_them(clients, company):
    _upload(clients["secretary_a"], "members", members_file())
    run = ImportRun.objects.get()
    report, apply = reverse("imports:report", args=[run.pk]), reverse("imports:apply", args=[run.pk])

    assert clients["secretary_b"].get(report).status_code == 404
    assert clients["secretary_b"].post(apply).status_code == 404
    page = clients["committee_admin"].get(report)
    assert page.status_code == 200 and not page.context["can_apply"]
    assert 'data-testid="not-yours"' in page.content.decode()
    assert clients["committee_admin"].post(apply).status_code == 404
    assert not Member.objects.filter(employee_no="N10001").exists()


def test_recent_runs_are_the_users_own_and_all_for_the_committee_office(clients, company):
    _upload(clients["secretary_a"], "members", members_file())
    _upload(clients["committee_admin"], "organizations", organizations_file())
    mine, theirs = ImportRun.objects.get(kind="members"), ImportRun.objects.get(kind="organizations")

    assert clients["secretary_a"].get(INDEX).context["runs"] == [mine]
    assert clients["secretary_b"].get(INDEX).context["runs"] == []
    assert clients["committee_admin"].get(INDEX).context["runs"] == [theirs, mine]


def test_the_template_downloads_with_its_headers(clients, company):
    response = clients["secretary_a"].get(reverse("imports:template", args=["members"]))

    assert response.status_code == 200
    assert "人员导入模板.xlsx" in unquote(response["Content-Disposition"])
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(cell) for row in workbook.worksheets[0].iter_rows(max_row=5, values_only=True) for cell in row}
    assert {"姓名", "工号", "所在党组织"} <= {cell.strip("*＊ ") for cell in cells}


def test_an_unknown_template_is_not_found(clients, company):
    assert clients["committee_admin"].get(reverse("imports:template", args=["nothing"])).status_code == 404


@pytest.mark.parametrize(
    ("role", "url_name", "args", "shown"),
    [
        ("committee_admin", "branches:organization_list", [], ["organizations"]),
        ("secretary_a", "branches:organization_list", [], []),
        ("secretary_a", "branches:member_list", [], ["members"]),
        ("reviewer", "branches:member_list", [], []),
        ("secretary_a", "branches:organization_detail", ["branch_a"], ["members"]),
        ("committee_admin", "branches:organization_detail", ["branch_a"], ["members"]),
        ("staff", "branches:organization_detail", ["branch_a"], []),
        ("committee_admin", "projects:list", [], ["projects"]),
        ("secretary_a", "projects:list", [], []),
    ],
)
def test_list_pages_link_to_the_import_for_those_who_may(clients, company, role, url_name, args, shown):
    url = reverse(url_name, args=[getattr(company, a).pk for a in args])

    html = clients[role].get(url).content.decode()

    for kind in ("organizations", "members", "projects"):
        assert (f'data-testid="import-{kind}"' in html) == (kind in shown), kind
    if shown:
        assert f'href="{INDEX}?kind={shown[0]}"' in html


def test_the_navigation_has_the_import_for_roster_keepers_only(clients, company):
    def nav(role):
        return [item["url"] for item in clients[role].get(reverse("workbench:home")).context["nav_items"]]

    assert INDEX in nav("secretary_a") and INDEX in nav("committee_admin")
    assert INDEX not in nav("staff") and INDEX not in nav("reviewer")


def test_the_admin_lists_runs_read_only_for_the_committee_office(clients, company):
    _upload(clients["committee_admin"], "organizations", organizations_file())
    run = ImportRun.objects.get()

    assert clients["committee_admin"].get(reverse("admin:spreadsheets_importrun_changelist")).status_code == 200
    page = clients["committee_admin"].get(reverse("admin:spreadsheets_importrun_change", args=[run.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert clients["committee_admin"].get(reverse("admin:spreadsheets_importrun_add")).status_code == 403
    assert (
        clients["committee_admin"].get(reverse("admin:spreadsheets_importrun_delete", args=[run.pk])).status_code == 403
    )
    assert clients["sysadmin"].get(reverse("admin:spreadsheets_importrun_changelist")).status_code == 403
