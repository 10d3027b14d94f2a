"""Importing the organization tree and the roster (branches/imports.py through the engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from branches.models import Member, Organization, OrgKind, PartyStatus
from portal.audit.models import AuditEvent
from tests.spreadsheet_support import MEMBER_HEADERS, ORG_HEADERS, do_import, errors_of, xlsx

pytestmark = pytest.mark.django_db

ORG_ROWS = [
    ["机关党总支", "党总支", "测试公司党委", "G02"],
    ["第一党支部", "党支部", "机关党总支", ""],
    ["第二党支部", "党支部", "机关党总支", "B02"],
    ["第一党支部", "党支部", "第一党总支", ""],  # same name elsewhere: fine, it is keyed by its place
    ["一组", "党小组", "机关党总支/第一党支部", ""],
]


def test_it_creates_the_tree_with_a_title_row_and_paths(company, users):
    data = xlsx(ORG_HEADERS, ORG_ROWS, sheet="党组织", title="2026年党组织名册")
    outcome = do_import("organizations", data, by=users["committee_admin"])
    assert outcome.ok, errors_of(outcome)
    assert outcome.applied and outcome.created == 5
    group = Organization.objects.get(name="一组")
    assert group.kind == OrgKind.PARTY_GROUP
    parent = Organization.objects.get_parent(group)
    assert parent.name == "第一党支部"
    assert Organization.objects.get_parent(parent).code == "G02"
    assert Organization.objects.get(code="B02").name == "第二党支部"
    assert AuditEvent.objects.filter(event="object.create", object_type__icontains="organization").count() >= 5


def test_it_changes_nothing_on_a_second_import(company, users):
    data = xlsx(ORG_HEADERS, ORG_ROWS)
    assert do_import("organizations", data, by=users["committee_admin"]).applied
    count, events = Organization.objects.count(), AuditEvent.objects.count()
    again = do_import("organizations", data, by=users["committee_admin"])
    assert again.ok and again.applied
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Organization.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_a_dry_run_reports_and_writes_nothing(company, users):
    before = Organization.objects.count()
    outcome = do_import("organizations", xlsx(ORG_HEADERS, ORG_ROWS), by=users["committee_admin"], dry_run=True)
    assert outcome.ok and not outcome.applied
    assert outcome.created == 5
    assert Organization.objects.count() == before


def test_it_renames_by_code_and_reports_the_change(company, users):
    data = xlsx(ORG_HEADERS, [["甲党支部（更名）", "党支部", "第一党总支", "B0A"]])
    outcome = do_import("organizations", data, by=users["committee_admin"])
    assert outcome.applied and outcome.updated == 1
    assert outcome.changes[0].fields == {"名称": ["甲党支部", "甲党支部（更名）"]}
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "甲党支部（更名）"


def test_every_bad_row_is_reported_and_nothing_is_written(company, users):
    rows = [
        ["新党支部", "支部", "第一党总支", ""],  # unknown kind
        ["", "党支部", "第一党总支", ""],  # no name
        ["孤儿党支部", "党支部", "不存在的党总支", ""],  # unknown parent
        ["好党支部", "党支部", "第一党总支", "B0A"],  # code of 甲党支部 but a different name under … = rename; ok
        ["小组", "党小组", "第一党总支", ""],  # a group under a general branch
        ["顶层党支部", "党支部", "", ""],  # only a committee at the top
        ["甲一党小组", "党小组", "乙党支部", "P0A1"],  # moving by import is refused
    ]
    before = Organization.objects.count()
    outcome = do_import("organizations", xlsx(ORG_HEADERS, rows), by=users["committee_admin"])
    assert not outcome.applied
    found = {(row, column) for row, column, _message in errors_of(outcome)}
    assert {(2, "类别"), (3, "名称"), (4, "上级党组织"), (6, "类别"), (7, "类别"), (8, "上级党组织")} <= found
    assert all(row != 5 for row, _c, _m in errors_of(outcome))
    assert Organization.objects.count() == before
    company.branch_a.refresh_from_db()
    assert company.branch_a.name == "甲党支部"  # the valid rename in row 5 was rolled back too


def test_a_child_of_a_failed_row_says_so(company, users):
    rows = [["坏党总支", "总支", "测试公司党委", ""], ["子党支部", "党支部", "坏党总支", ""]]
    outcome = do_import("organizations", xlsx(ORG_HEADERS, rows), by=users["committee_admin"])
    messages = {row: message for row, column, message in errors_of(outcome)}
    assert "2" in messages[3]


def test_an_ambiguous_name_asks_for_a_path(company, users):
    rows = [
        ["机关党总支", "党总支", "测试公司党委", ""],
        ["甲党支部", "党支部", "机关党总支", ""],
        ["新小组", "党小组", "甲党支部", ""],
    ]
    outcome = do_import("organizations", xlsx(ORG_HEADERS, rows), by=users["committee_admin"])
    assert [(row, column) for row, column, _m in errors_of(outcome)] == [(4, "上级党组织")]
    assert "/" in outcome.errors[0].message


def test_duplicate_rows_in_the_file_are_refused(company, users):
    rows = [["丙党支部", "党支部", "第一党总支", "B0C"], ["丙党支部二", "党支部", "第一党总支", "b0c"]]
    outcome = do_import("organizations", xlsx(ORG_HEADERS, rows), by=users["committee_admin"])
    assert [(row, column) for row, column, _m in errors_of(outcome)] == [(3, "编码")]


def test_a_committee_admin_of_another_subtree_cannot_add_here(company, users):
    from tests.factories import UserFactory, make_org

    other_root = make_org("别的党委", OrgKind.COMMITTEE)
    admin = UserFactory(username="other_admin", role="committee_admin", scope=other_root)
    outcome = do_import("organizations", xlsx(ORG_HEADERS, [["丁党支部", "党支部", "第一党总支", ""]]), by=admin)
    assert [(row, column) for row, column, _m in errors_of(outcome)] == [(2, "上级党组织")]


# --- people -------------------------------------------------------------------------------


def person(no="20001", name="王五", org="甲党支部", status="中共党员", joined="2015/7/1", **over):
    row = {
        "姓名": name,
        "性别": "男",
        "工号": no,
        "所在党组织": org,
        "政治面貌": status,
        "入党时间": joined,
        "党内职务": "",
        "岗位": "钳工",
        "技能等级": "高级技师",
        "领导人员": "否",
        "在岗": "是",
        "手机号": "13700137000",
    }
    row.update(over)
    return [row[h] for h in MEMBER_HEADERS]


def test_it_creates_people_with_every_field(company, users):
    rows = [
        person(),
        person(
            "20002",
            "赵六",
            "第一党总支/甲党支部/甲一党小组",
            "中共预备党员",
            dt.datetime(2024, 3, 1),
            领导人员="部门级",
        ),
        person("20003", "钱七", "乙党支部", "群众", "", 在岗="否", 手机号="", 党内职务="无"),
        person(20004, "孙八", "乙党支部", "中共党员", "2010年6月30日", 党内职务="书记", 领导人员="公司级"),
    ]
    outcome = do_import("members", xlsx(MEMBER_HEADERS, rows, sheet="人员"), by=users["committee_admin"])
    assert outcome.ok, errors_of(outcome)
    assert outcome.created == 4
    wang = Member.objects.get(employee_no="20001")
    assert (wang.joined_party_on, wang.job_title, wang.skill_grade, wang.phone) == (
        dt.date(2015, 7, 1),
        "钳工",
        "高级技师",
        "13700137000",
    )
    zhao = Member.objects.get(employee_no="20002")
    assert zhao.organization == company.group_a1
    assert (zhao.party_status, zhao.leader_level, zhao.joined_party_on) == (
        PartyStatus.PROBATIONARY,
        "department",
        dt.date(2024, 3, 1),
    )
    qian = Member.objects.get(employee_no="20003")
    assert (qian.party_status, qian.on_duty, qian.phone, qian.party_post) == ("none", False, "", "")
    sun = Member.objects.get(employee_no="20004")
    assert (sun.party_post, sun.leader_level, sun.joined_party_on) == ("secretary", "company", dt.date(2010, 6, 30))


def test_re_import_changes_nothing_and_an_edit_is_an_update(company, users):
    data = xlsx(MEMBER_HEADERS, [person(), person("20002", "赵六")])
    do_import("members", data, by=users["committee_admin"])
    again = do_import("members", data, by=users["committee_admin"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    edited = do_import(
        "members", xlsx(MEMBER_HEADERS, [person(岗位="车工"), person("20002", "赵六")]), by=users["committee_admin"]
    )
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 1)
    assert edited.changes[0].fields == {"岗位": ["钳工", "车工"]}
    assert Member.objects.get(employee_no="20001").job_title == "车工"


def test_a_masked_phone_from_an_export_keeps_the_number(company, users):
    no = company.member_a.employee_no
    row = person(no, company.member_a.name, 手机号="138****8000")
    outcome = do_import("members", xlsx(MEMBER_HEADERS, [row]), by=users["committee_admin"], dry_run=True)
    assert "手机号" not in {f for change in outcome.changes for f in change.fields}
    bad = do_import("members", xlsx(MEMBER_HEADERS, [person(手机号="137****0000")]), by=users["committee_admin"])
    assert [(r, c) for r, c, _m in errors_of(bad)] == [(2, "手机号")]


def test_every_bad_person_row_is_reported(company, users):
    rows = [
        person("20001", 性别="未知"),
        person("20002", org="不存在党支部"),
        person("20003", org="第一党总支"),  # not a branch or group
        person("20004", joined="2015-13-01"),
        person("20005", status="团员"),
        person("20006", status="群众", 党内职务="委员", joined=""),
        person("20007", 手机号="12345"),
        person("20001", name="重复"),  # duplicate 工号 in the file
        person("", name="无工号"),
        person("20009", 在岗="可能"),
        person("20010", status="群众", joined="2020-01-01"),
        person("20011", joined="2999-01-01"),
    ]
    before = Member.objects.count()
    outcome = do_import("members", xlsx(MEMBER_HEADERS, rows), by=users["committee_admin"])
    found = {(row, column) for row, column, _m in errors_of(outcome)}
    expected = {
        (2, "性别"),
        (3, "所在党组织"),
        (4, "所在党组织"),
        (5, "入党时间"),
        (6, "政治面貌"),
        (7, "党内职务"),
        (8, "手机号"),
        (9, "工号"),
        (10, "工号"),
        (11, "在岗"),
        (12, "入党时间"),
        (13, "入党时间"),
    }
    assert expected <= found, sorted(found)
    assert Member.objects.count() == before


def test_a_secretary_imports_only_into_her_branch(company, users):
    rows = [
        person("20001"),
        person("20002", org="乙党支部"),
        person(company.member_b.employee_no, "李乙", org="甲党支部"),
    ]
    outcome = do_import("members", xlsx(MEMBER_HEADERS, rows), by=users["secretary_a"])
    found = [(row, column) for row, column, _m in errors_of(outcome)]
    assert (3, "所在党组织") in found and (4, "工号") in found
    assert not Member.objects.filter(employee_no="20001").exists()
    ok = do_import("members", xlsx(MEMBER_HEADERS, [person("20001")]), by=users["secretary_a"])
    assert ok.applied and Member.objects.get(employee_no="20001").organization == company.branch_a


def test_a_missing_column_and_a_header_only_sheet_are_reported(company, users):
    no_phone = [h for h in MEMBER_HEADERS if h != "工号"]
    outcome = do_import("members", xlsx(no_phone, []), by=users["committee_admin"])
    assert outcome.errors[0].row is None and "工号" in outcome.errors[0].message
    empty = do_import("members", xlsx(MEMBER_HEADERS, []), by=users["committee_admin"])
    assert len(empty.errors) == 1 and empty.errors[0].row is None


def test_columns_in_any_order_with_extras_and_marked_headers(company, users):
    headers = ["备注", *reversed(MEMBER_HEADERS)]
    headers[headers.index("工号")] = "*工号"
    headers[headers.index("手机号")] = " 手机号 "
    row = ["随便写", *reversed(person())]
    outcome = do_import("members", xlsx(headers, [row]), by=users["committee_admin"])
    assert outcome.applied, errors_of(outcome)
    assert Member.objects.get(employee_no="20001").phone == "13700137000"
