"""import_organizations / import_members / import_projects: dry run, import, every error as a line, non-zero exit."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from branches.models import Member, Organization
from portal.spreadsheets.models import ImportRun, RunStatus, Source
from projects.models import Project

from .spreadsheet_import_support import members_file, organizations_file, projects_file


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def xlsx(tmp_path):
    def write(data: bytes, name: str = "import.xlsx") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def _run(name: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_reports_and_writes_nothing(company, xlsx):
    before = Organization.objects.count()

    out, err = _run("import_organizations", xlsx(organizations_file()), "--dry-run", "--verbosity", "2")

    assert "2 rows; 2 to create, 0 to update, 0 unchanged" in out and "Dry run" in out and err == ""
    assert "3 create 丙党支部" in out and "4 create 丙一党小组" in out
    assert Organization.objects.count() == before
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.user) == (Source.COMMAND, RunStatus.CHECKED, None)


def test_an_import_writes_and_a_second_run_changes_nothing(company, xlsx):
    path = xlsx(organizations_file())

    out, _err = _run("import_organizations", path)

    assert "Imported: 2 created, 0 updated, 0 unchanged." in out
    assert Organization.objects.filter(code__in=["B0C", "P0C1"]).count() == 2
    assert ImportRun.objects.get().status == RunStatus.APPLIED
    out, _err = _run("import_organizations", path)
    assert "Imported: 0 created, 0 updated, 2 unchanged." in out


def test_errors_are_printed_one_per_line_and_the_command_fails_writing_nothing(company, xlsx):
    path = xlsx(organizations_file([["丙党支部", "党支部", "第一党总支", ""], ["丁党支部", "支部", "无此党委", ""]]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_organizations", path, stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines and all(line.startswith("党组织 row 4 ") for line in lines)
    assert any(line.startswith("党组织 row 4 类别: ") for line in lines)
    assert not Organization.objects.filter(name__in=["丙党支部", "丁党支部"]).exists()
    assert ImportRun.objects.get().status == RunStatus.REFUSED


def test_a_file_that_is_not_a_workbook_is_a_file_level_error(company, xlsx):
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_members", xlsx(b"a,b\n1,2\n"), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().startswith("人员: ")


def test_the_user_option_applies_the_users_scope(company, users, xlsx):
    outside = members_file([["钱外", "女", "N20001", "乙党支部", "中共党员", "2016-07-01", "是"]])

    with pytest.raises(CommandError):
        call_command(
            "import_members", xlsx(outside), "--user", "secretary_a", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert not Member.objects.filter(employee_no="N20001").exists()

    _run("import_members", xlsx(members_file(), "inside.xlsx"), "--user", "secretary_a")
    assert Member.objects.get(employee_no="N10001").organization == company.branch_a
    assert set(ImportRun.objects.values_list("user__username", flat=True)) == {"secretary_a"}


def test_a_user_without_the_permission_or_unknown_is_refused(company, users, xlsx):
    path = xlsx(organizations_file())

    with pytest.raises(CommandError, match="may not run this import"):
        _run("import_organizations", path, "--user", "secretary_a")
    with pytest.raises(CommandError, match="No active user"):
        _run("import_organizations", path, "--user", "nobody")
    with pytest.raises(CommandError, match="No such file"):
        _run("import_organizations", path + ".missing")
    assert not ImportRun.objects.exists()


def _project_row(company) -> list:
    leader = company.member_a
    return [
        "",
        2026,
        "焊接工艺参数优化",
        "甲党支部",
        "科研生产",
        "党组织选题",
        leader.employee_no,
        "",
        "2026-03-01",
        "2026/12/31",
        "实施中",
    ]


def test_projects_need_a_user_and_import_with_one(company, users, xlsx):
    path = xlsx(projects_file([_project_row(company)]))

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_projects", path, stdout=io.StringIO(), stderr=err)
    assert "--user" in err.getvalue()
    assert not Project.objects.exists()

    out, _err = _run("import_projects", path, "--user", "committee_admin")

    assert "Imported: 1 created" in out
    project = Project.objects.get()
    assert project.status == "in_progress" and project.organization == company.branch_a
