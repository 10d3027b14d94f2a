"""Importing historical projects (projects/imports.py through the engine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from branches.models import PartyStatus
from portal.audit.models import AuditEvent
from projects.models import Project, ProjectNumberSequence, ProjectTransition, Status, TeamRole
from tests.factories import MemberFactory
from tests.spreadsheet_support import PROJECT_HEADERS, do_import, errors_of, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company):
    a1 = MemberFactory(organization=company.branch_a, employee_no="A001", party_status=PartyStatus.FULL)
    a2 = MemberFactory(organization=company.group_a1, employee_no="A002", party_status=PartyStatus.NONE)
    a3 = MemberFactory(organization=company.branch_a, employee_no="A003", party_status=PartyStatus.PROBATIONARY)
    b1 = MemberFactory(organization=company.branch_b, employee_no="B001", party_status=PartyStatus.FULL)
    nonparty = MemberFactory(organization=company.branch_a, employee_no="A009", party_status=PartyStatus.NONE)
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "nonparty": nonparty}


def project(number="", year=2024, title="数控车床节能改造", branch="甲党支部", **over):
    y = year if isinstance(year, int) else 2024
    row = {
        "项目编号": number,
        "年度": year,
        "项目名称": title,
        "所在党支部": branch,
        "项目类别": "科研生产",
        "选题来源": "行政点题",
        "负责人工号": "A001",
        "成员工号": "A002、A003",
        "计划开始": dt.datetime(y, 3, 1),
        "计划完成": f"{y}/12/31",
        "状态": "已结题",
        "预期成果形式": "专利，节创价值",
        "节创价值（万元）": 35.5,
        "党组织引领行动": "是",
    }
    if "价值" in over:
        over["节创价值（万元）"] = over.pop("价值")
    row.update(over)
    return [row[h] for h in PROJECT_HEADERS]


def test_it_imports_projects_keeping_status_and_numbers(company, users, people):
    rows = [
        project("2024-CX-0007"),
        project("", title="焊接工艺优化", 状态="实施中", 成员工号="", 党组织引领行动="否", 预期成果形式=""),
        project("", title="草稿项目", 状态="草稿", 价值=""),
        project("", 2023, "安全巡检", "乙党支部", 负责人工号="B001", 成员工号="", 状态="已评估", 项目类别="安全质量"),
    ]
    outcome = do_import("projects", xlsx(PROJECT_HEADERS, rows, sheet="项目"), by=users["committee_admin"])
    assert outcome.ok, errors_of(outcome)
    assert outcome.created == 4
    first = Project.objects.get(number="2024-CX-0007")
    assert (first.status, first.expected_value, first.is_branch_led, first.planned_start) == (
        Status.COMPLETED,
        Decimal("35.50"),
        True,
        dt.date(2024, 3, 1),
    )
    assert first.leader == people["a1"]
    assert sorted(first.team.values_list("member__employee_no", "role")) == [
        ("A001", TeamRole.LEADER),
        ("A002", TeamRole.MEMBER),
        ("A003", TeamRole.MEMBER),
    ]
    assert sorted(first.expected_result_types.values_list("name", flat=True)) == ["专利", "节创价值"]
    second = Project.objects.get(title="焊接工艺优化")
    assert second.number == "2024-CX-0008"  # generated after the ledger's own numbers
    assert ProjectNumberSequence.objects.get(year=2024).last == 8
    assert Project.objects.get(title="草稿项目").number is None
    assert Project.objects.get(title="安全巡检").number == "2023-CX-0001"
    log = ProjectTransition.objects.get(project=first)
    assert (log.action, log.to_status, log.detail["row"]) == ("import", Status.COMPLETED, 2)
    assert first.history.first().history_change_reason == "imported from a spreadsheet"
    assert AuditEvent.objects.filter(event="object.create", detail__source="import").count() == 4


def test_re_import_changes_nothing_and_edits_are_updates(company, users, people):
    rows = [project("2024-CX-0007"), project("", title="焊接工艺优化", 状态="实施中")]
    do_import("projects", xlsx(PROJECT_HEADERS, rows), by=users["committee_admin"])
    again = do_import("projects", xlsx(PROJECT_HEADERS, rows), by=users["committee_admin"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2), errors_of(again)
    edited = [project("2024-CX-0007", 成员工号="A003", 价值="40"), rows[1]]
    outcome = do_import("projects", xlsx(PROJECT_HEADERS, edited), by=users["committee_admin"])
    assert outcome.updated == 1
    assert outcome.changes[0].fields == {"成员工号": ["A002、A003", "A003"], "节创价值（万元）": ["35.50", "40.00"]}
    assert Project.objects.get(number="2024-CX-0007").expected_value == Decimal("40")


def test_a_status_change_by_import_is_refused(company, users, people):
    do_import("projects", xlsx(PROJECT_HEADERS, [project("2024-CX-0007")]), by=users["committee_admin"])
    outcome = do_import(
        "projects", xlsx(PROJECT_HEADERS, [project("2024-CX-0007", 状态="已评估")]), by=users["committee_admin"]
    )
    assert [(r, c) for r, c, _m in errors_of(outcome)] == [(2, "状态")]


def test_every_planted_mistake_is_reported_and_nothing_is_written(company, users, people):
    rows = [
        project(branch="丙党支部"),  # unknown branch
        project(负责人工号="A002"),  # leader not a party member
        project(负责人工号="B001"),  # leader of another branch
        project(负责人工号="Z999"),  # unknown person
        project(成员工号="A002,Z998"),  # unknown team member
        project(计划开始="2024-02-30"),  # bad date
        project(计划完成="2024-01-01"),  # end before start
        project(项目类别="其他"),  # unknown category
        project(选题来源="自选"),
        project(状态="进行中"),
        project(预期成果形式="专利、奖杯"),
        project(价值="-3"),
        project(价值="1.234"),
        project(党组织引领行动="也许"),
        project(year="二〇二四"),
        project(title=""),
        project("2024-CX-0001", title="甲"),
        project("2024-CX-0001", title="乙"),  # duplicate number in the file
        project(branch="第一党总支"),  # not a branch
        project(title="很长" * 60),
    ]
    before = Project.objects.count()
    outcome = do_import("projects", xlsx(PROJECT_HEADERS, rows), by=users["committee_admin"])
    reported = {row for row, _c, _m in errors_of(outcome)}
    assert reported == set(range(2, 22)) - {18}, errors_of(outcome)
    assert len(outcome.errors) >= 19
    assert Project.objects.count() == before
    assert not ProjectTransition.objects.filter(action="import").exists()


def test_the_command_line_needs_a_user_for_projects(company, people):
    outcome = do_import("projects", xlsx(PROJECT_HEADERS, [project()]), by=None)
    assert outcome.errors[0].row is None
    assert not outcome.applied


def test_a_branch_outside_the_importers_scope_is_refused(company, users, people):
    from tests.factories import UserFactory

    admin_b = UserFactory(username="admin_b", role="committee_admin", scope=company.branch_b)
    outcome = do_import("projects", xlsx(PROJECT_HEADERS, [project()]), by=admin_b)
    assert [(r, c) for r, c, _m in errors_of(outcome)] == [(2, "所在党支部")]
